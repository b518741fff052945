"""Readings (katakana) for menu item names, so えだ finds 枝豆 and なま finds 生ビール.

``guess_reading`` fills a reading from a small dictionary of the kanji words that menus of an
izakaya, a café, a bar or a salon use, matched longest first; kana, latin letters and digits are
read as they are. When a name holds kanji the dictionary does not know, it returns ``""`` rather
than a wrong guess, and the owner types the reading in the menu editor.

Why a dictionary and not a library: pykakasi reads well but is GPL-3.0 (it would make the bundled
app GPL), and janome (Apache-2.0) installs 200 MB and reads 日本酒 as ニッポンシュ and 唐揚げ as
トウアゲ. Menus use a few hundred words; these are spelled out here and tested.
"""

from __future__ import annotations

import re
import unicodedata

from shopcrm.domain.kana import to_katakana

# Kanji words (and kanji+okurigana) of menus, with their readings in katakana.
WORDS: dict[str, str] = {
    # drinks
    "生": "ナマ", "瓶": "ビン", "中瓶": "チュウビン", "大瓶": "オオビン", "黒": "クロ",
    "日本酒": "ニホンシュ", "純米": "ジュンマイ", "吟醸": "ギンジョウ", "大吟醸": "ダイギンジョウ",
    "本醸造": "ホンジョウゾウ", "冷酒": "レイシュ", "熱燗": "アツカン", "燗": "カン",
    "地酒": "ジザケ", "獺祭": "ダッサイ", "八海山": "ハッカイサン", "久保田": "クボタ",
    "十四代": "ジュウヨンダイ", "黒霧島": "クロキリシマ", "森伊蔵": "モリイゾウ",
    "焼酎": "ショウチュウ", "芋": "イモ", "麦": "ムギ", "米": "コメ", "泡盛": "アワモリ",
    "梅酒": "ウメシュ", "梅": "ウメ", "柚子": "ユズ", "果実酒": "カジツシュ",
    "酎": "チュウ", "緑茶": "リョクチャ", "烏龍茶": "ウーロンチャ", "茶": "チャ",
    "割り": "ワリ", "割": "ワリ", "水割り": "ミズワリ", "お湯割り": "オユワリ", "湯": "ユ",
    "水": "ミズ", "炭酸": "タンサン", "氷": "コオリ", "一杯": "イッパイ", "杯": "ハイ",
    "合": "ゴウ", "徳利": "トックリ", "猪口": "チョコ", "お猪口": "オチョコ",
    "赤": "アカ", "白": "シロ", "葡萄": "ブドウ", "紅茶": "コウチャ", "抹茶": "マッチャ",
    "珈琲": "コーヒー", "牛乳": "ギュウニュウ", "豆乳": "トウニュウ", "果汁": "カジュウ",
    "季節": "キセツ", "限定": "ゲンテイ", "飲み放題": "ノミホウダイ", "放題": "ホウダイ",
    # izakaya food
    "枝豆": "エダマメ", "冷奴": "ヒヤヤッコ", "揚げ出し豆腐": "アゲダシドウフ", "豆腐": "トウフ",
    "焼き鳥": "ヤキトリ", "焼鳥": "ヤキトリ", "焼き": "ヤキ", "焼": "ヤキ", "鳥": "トリ",
    "鶏": "トリ", "串": "クシ", "盛り合わせ": "モリアワセ", "盛合せ": "モリアワセ",
    "盛り": "モリ", "刺身": "サシミ", "お刺身": "オサシミ", "造り": "ツクリ", "お造り": "オツクリ",
    "唐揚げ": "カラアゲ", "唐揚": "カラアゲ", "から揚げ": "カラアゲ", "揚げ": "アゲ",
    "天ぷら": "テンプラ", "天麩羅": "テンプラ", "だし巻き": "ダシマキ", "出汁巻き": "ダシマキ",
    "玉子": "タマゴ", "卵": "タマゴ", "玉子焼き": "タマゴヤキ", "巻き": "マキ", "巻": "マキ",
    "お通し": "オトオシ", "通し": "トオシ", "漬物": "ツケモノ", "お新香": "オシンコ",
    "浅漬け": "アサヅケ", "味噌": "ミソ", "味噌汁": "ミソシル", "汁": "シル",
    "肉": "ニク", "牛": "ギュウ", "豚": "ブタ", "鴨": "カモ", "魚": "サカナ", "鮪": "マグロ",
    "鮭": "サケ", "鯛": "タイ", "鰤": "ブリ", "鯖": "サバ", "烏賊": "イカ", "蛸": "タコ",
    "海老": "エビ", "蟹": "カニ", "貝": "カイ", "牡蠣": "カキ", "帆立": "ホタテ", "雲丹": "ウニ",
    "明太子": "メンタイコ", "明太": "メンタイ", "軟骨": "ナンコツ", "手羽先": "テバサキ",
    "手羽": "テバ", "皮": "カワ", "砂肝": "スナギモ", "肝": "キモ", "心臓": "ハツ",
    "塩": "シオ", "醤油": "ショウユ", "炙り": "アブリ", "煮込み": "ニコミ", "煮": "ニ",
    "蒸し": "ムシ", "茶碗蒸し": "チャワンムシ", "焼きそば": "ヤキソバ",
    "焼きおにぎり": "ヤキオニギリ",
    "お茶漬け": "オチャヅケ", "茶漬け": "チャヅケ", "雑炊": "ゾウスイ", "鍋": "ナベ",
    "野菜": "ヤサイ", "大根": "ダイコン", "胡瓜": "キュウリ", "茄子": "ナス", "葱": "ネギ",
    "生姜": "ショウガ", "山葵": "ワサビ", "海藻": "カイソウ", "若鶏": "ワカドリ",
    "馬刺し": "バサシ", "馬": "ウマ", "和牛": "ワギュウ", "特製": "トクセイ", "自家製": "ジカセイ",
    "本日": "ホンジツ", "日替わり": "ヒガワリ", "定食": "テイショク", "丼": "ドン",
    "御飯": "ゴハン", "ご飯": "ゴハン", "飯": "メシ", "白飯": "シロメシ", "麺": "メン",
    "蕎麦": "ソバ", "饂飩": "ウドン", "甘味": "カンミ", "和菓子": "ワガシ", "菓子": "カシ",
    "大盛り": "オオモリ", "小盛り": "コモリ", "並": "ナミ", "上": "ジョウ", "特上": "トクジョウ",
    "半": "ハン", "品": "ヒン", "一品": "イッピン", "前菜": "ゼンサイ", "小鉢": "コバチ",
    # café
    "本日の": "ホンジツノ", "焼き菓子": "ヤキガシ", "苺": "イチゴ", "栗": "クリ",
    "黒糖": "コクトウ", "蜂蜜": "ハチミツ", "檸檬": "レモン",
    # salon
    "前髪": "マエガミ", "髪": "カミ", "染め": "ゾメ", "白髪染め": "シラガゾメ", "白髪": "シラガ",
    "縮毛矯正": "シュクモウキョウセイ", "矯正": "キョウセイ", "眉": "マユ", "顔": "カオ",
    "頭皮": "トウヒ", "着付け": "キツケ", "髪質改善": "カミシツカイゼン", "改善": "カイゼン",
    "全体": "ゼンタイ", "部分": "ブブン", "根元": "ネモト", "長さ": "ナガサ", "追加": "ツイカ",
    "料金": "リョウキン", "指名": "シメイ", "学生": "ガクセイ", "子供": "コドモ",
    "男性": "ダンセイ",
    "女性": "ジョセイ", "初回": "ショカイ", "小": "ショウ", "中": "チュウ", "大": "ダイ",
}  # fmt: skip

_LONGEST = max(len(w) for w in WORDS)
_KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff々〆]")


def guess_reading(name: str | None) -> str:
    """The reading of a menu item's name in katakana (``枝豆`` -> ``エダマメ``), or ``""`` when a
    kanji in it is not in the dictionary (better no reading than a wrong one)."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        return ""
    out: list[str] = []
    i = 0
    while i < len(text):
        for length in range(min(_LONGEST, len(text) - i), 0, -1):
            word = text[i : i + length]
            if word in WORDS:
                out.append(WORDS[word])
                i += length
                break
        else:
            ch = text[i]
            if _KANJI.match(ch):
                return ""
            out.append(ch)
            i += 1
    return to_katakana("".join(out))


def clean_reading(text: str | None) -> str:
    """A typed reading as stored: NFKC, hiragana to katakana, spaces trimmed (``えだまめ`` ->
    ``エダマメ``)."""
    return to_katakana(unicodedata.normalize("NFKC", text or "").strip())
