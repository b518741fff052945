"""Building ``Piece`` records from the database (a campaign's coupons, or a list of customers),
the shop as sender from the settings, and recording a mailing per customer after a print run.

The only printing module that reads the database; the layouts take ``Piece`` objects.
"""

from __future__ import annotations

import datetime as dt

from shopcrm.domain.models import Campaign, Coupon, Customer
from shopcrm.services.printing.layout import Piece, Shop


def sample_pieces(n: int = 3, *, today: dt.date | None = None) -> list[Piece]:
    """``n`` made-up pieces (no database): for previews of a layout, the benchmark and the docs."""
    today = today or dt.date(2026, 12, 1)
    campaign = Campaign(
        name="birthday", kind="birthday", id=1, discount_type="percent", discount_value=10
    )
    people = [
        (
            "山田 太郎",
            "1500001",
            "東京都",
            "渋谷区",
            "神宮前4-2-8",
            "グリーンハイツ203号室",
            "純米酒",
        ),
        ("佐藤 花子", "5300001", "大阪府", "大阪市北区", "梅田1-1-3", "", "ハイボール"),
        ("鈴木 一郎", "0600042", "北海道", "札幌市中央区", "大通西5-11", "大通ビル8階", "焼き鳥"),
        ("高橋 美咲", "8100001", "福岡県", "福岡市中央区", "天神2-5-28", "", "梅酒"),
    ]
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    pieces = []
    for i in range(n):
        name, postal, pref, city, street, building, fav = people[i % len(people)]
        customer = Customer(
            name=name,
            id=i + 1,
            postal_code=postal,
            prefecture=pref,
            city=city,
            street=street,
            building=building,
            dm_consent=True,
        )
        code = "".join(alphabet[(i * 7 + k * 13) % len(alphabet)] for k in range(8))
        code = f"{code[:4]}-{code[4:]}"
        coupon = Coupon(
            code=code,
            campaign_id=1,
            customer_id=i + 1,
            valid_from=today,
            valid_until=today + dt.timedelta(days=60),
            id=i + 1,
        )
        message = (
            f"{name}様\nお誕生日おめでとうございます。\n"
            f"いつもご来店ありがとうございます。{name.split()[0]}様のお好きな{fav}をご用意して、"
            "スタッフ一同お待ちしております。"
        )
        pieces.append(Piece(customer, coupon, campaign, message))
    return pieces


SAMPLE_SHOP = Shop(
    name="居酒屋 まるや",
    postal_code="1600022",
    address="東京都新宿区新宿3-1-24",
    building="まるやビル1階",
    phone="03-1234-5678",
)
