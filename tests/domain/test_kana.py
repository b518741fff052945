"""search_key and kana conversions: example and property-based tests."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shopcrm.domain.kana import is_kana, search_key, sort_key, to_hiragana, to_katakana

HIRAGANA = [chr(c) for c in range(0x3041, 0x3097)] + ["ー"]
hiragana_words = st.text(alphabet=HIRAGANA, min_size=1, max_size=12)

# Half-width katakana for a few full-width ones (what old POS systems and phones type).
HALF = {"タ": "ﾀ", "ナ": "ﾅ", "カ": "ｶ", "ガ": "ｶﾞ", "ロ": "ﾛ", "ウ": "ｳ", "パ": "ﾊﾟ", "ー": "ｰ"}


def test_examples():
    assert search_key("ﾀﾅｶ ﾀﾛｳ") == "たなかたろう"
    assert search_key("タナカ\u3000タロウ") == "たなかたろう"
    assert search_key("０９０ー１２３４ー５６７８") == "09012345678"
    assert search_key("090-1234-5678") == "09012345678"
    assert search_key("ラーメン") == "らーめん"  # the long-vowel mark is part of the word
    assert search_key("ＡＢＣ-def") == "abcdef"
    assert search_key("ｶﾞｯｺｳ") == search_key("がっこう")
    assert search_key("") == "" and search_key(None) == ""


def test_conversions():
    assert to_katakana("たなか たろう") == "タナカ タロウ"
    assert to_katakana("ﾀﾅｶ") == "タナカ"
    assert to_katakana("ｶﾞｯｺｳ") == "ガッコウ"
    assert to_katakana("か\u3099") == "ガ"  # combining voiced mark composed
    assert to_hiragana("ヴァイオリン") == "ゔぁいおりん"
    assert to_katakana("田中") == "田中"


def test_sort_key_orders_by_reading_in_gojuon_order():
    names = ["ワタナベ", "あべ", "ｲﾄｳ", "カトウ", "ガトウ", "サトー", "サトウ", "サトシ"]
    ordered = sorted(names, key=sort_key)
    assert ordered[:3] == ["あべ", "ｲﾄｳ", "カトウ"]
    assert ordered[-1] == "ワタナベ"
    assert sort_key("サトー") == "さとお"  # ー sorts as the vowel it lengthens
    assert ordered.index("サトシ") > ordered.index("サトウ")


def test_is_kana():
    assert is_kana("タナカ タロウ") and is_kana("たなか") and is_kana("ﾀﾅｶ")
    assert not is_kana("Tanaka") and not is_kana("田中")


@given(st.text(max_size=30))
def test_search_key_is_idempotent(text):
    key = search_key(text)
    assert search_key(key) == key


@given(hiragana_words)
def test_hiragana_and_katakana_give_the_same_key(word):
    assert search_key(word) == search_key(to_katakana(word))
    assert to_hiragana(to_katakana(word)) == word


@given(st.text(alphabet=list(HALF), min_size=1, max_size=10))
def test_half_width_katakana_gives_the_same_key(word):
    half = "".join(HALF[ch] for ch in word)
    assert search_key(half) == search_key(word) == search_key(to_hiragana(word))
    assert to_katakana(half) == word


@given(st.integers(min_value=0, max_value=10**12))
def test_full_width_and_half_width_digits_are_equal(n):
    half = str(n)
    full = half.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    assert search_key(full) == search_key(half) == half


@given(
    st.text(alphabet="0123456789", min_size=2, max_size=11),
    st.sampled_from(["-", " ", "ー", "－", "‐"]),
)
def test_separators_in_numbers_are_ignored(digits, sep):
    spaced = sep.join(digits)
    assert search_key(spaced) == digits
