"""Menu readings from the domain's dictionary: kana kept, kanji words read, unknown kanji left
for the owner (no wrong guess)."""

from __future__ import annotations

import pytest

from shopcrm.domain.readings import clean_reading, guess_reading


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        ("枝豆", "エダマメ"),
        ("生ビール", "ナマビール"),
        ("獺祭 純米大吟醸", "ダッサイ ジュンマイダイギンジョウ"),
        ("焼き鳥盛り合わせ", "ヤキトリモリアワセ"),
        ("唐揚げ", "カラアゲ"),
        ("日本酒", "ニホンシュ"),
        ("芋焼酎 水割り", "イモショウチュウ ミズワリ"),
        ("白髪染め", "シラガゾメ"),
        ("ハイボール", "ハイボール"),
        ("ｶﾌｪﾗﾃ", "カフェラテ"),
        ("だし巻き玉子", "ダシマキタマゴ"),
    ],
)
def test_menu_words_are_read(name, reading):
    assert guess_reading(name) == reading


def test_an_unknown_kanji_gives_no_reading_rather_than_a_wrong_one():
    assert guess_reading("鱧の湯引き") == ""
    assert guess_reading("") == ""


def test_a_typed_reading_is_stored_in_katakana():
    assert clean_reading(" えだまめ ") == "エダマメ"
    assert clean_reading("ｴﾀﾞﾏﾒ") == "エダマメ"
