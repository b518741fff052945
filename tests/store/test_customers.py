"""Customers in a real SQLite file: create, update, get, codes, phones, channels, addresses."""

from __future__ import annotations

import datetime as dt

import pytest

from shopcrm.domain.models import Customer
from shopcrm.domain.rules import ValidationError
from shopcrm.store import customers
from shopcrm.store.engine import IntegrityError
from shopcrm.store.errors import NotFound


@pytest.fixture
def db(anydb):
    """Every test here runs on an SQLite file and on a PostgreSQL database."""
    return anydb


def _count(db) -> int:
    return db.execute("SELECT count(*) FROM customers").fetchone()[0]


def test_create_normalises_and_reads_back(db):
    c = customers.create(
        db,
        Customer(
            name=" 田中　太郎 ",
            kana="たなか たろう",
            phone="０９０-１２３４-５６７８",
            email="Taro@Example.JP",
            code="M-001",
            channel="instagram",
            tags=("常連", "常連", " 日本酒 "),
            birth_month=3,
            birth_day=10,
            dm_consent=True,
        ),
    )
    assert c.id is not None
    again = customers.get(db, c.id)
    assert again == c
    assert c.name == "田中 太郎"
    assert c.kana == "タナカ タロウ"
    assert c.phone == "09012345678"
    assert c.email == "Taro@example.jp"
    assert c.channel == "Instagram" and c.channel_id is not None
    assert c.tags == ("常連", "日本酒")
    assert isinstance(c.created_at, dt.datetime) and c.updated_at == c.created_at
    assert isinstance(c.dm_consent_at, dt.datetime)
    stored = db.execute("SELECT tags, search_text FROM customers WHERE id = ?", [c.id]).fetchone()
    assert stored[0] == '["常連", "日本酒"]'
    # each field folded on its own: name, reading (hiragana), phone digits, email, code
    assert stored[1] == "田中太郎 たなかたろう 09012345678 taro@example.jp m001"


def test_invalid_customer_writes_nothing(db):
    with pytest.raises(ValidationError) as err:
        customers.create(db, Customer(name="田中", phone="123"))
    assert err.value.field == "phone"
    with pytest.raises(ValidationError) as err:
        customers.create(db, Customer(name=""))
    assert err.value.field == "name"
    assert _count(db) == 0


def test_duplicate_membership_code_is_a_validation_error(db):
    customers.create(db, Customer(name="田中太郎", code="A1"))
    with pytest.raises(ValidationError) as err:
        customers.create(db, Customer(name="鈴木一郎", code="A1"))
    assert err.value.field == "code"
    assert "A1" in err.value.message
    assert _count(db) == 1


def test_unknown_channel_name_is_refused(db):
    with pytest.raises(ValidationError) as err:
        customers.create(db, Customer(name="田中", channel="チラシ"))
    assert err.value.field == "channel"
    with pytest.raises(ValidationError):
        customers.create(db, Customer(name="田中", channel_id=999))
    assert _count(db) == 0


def test_update_keeps_created_and_refreshes_search(db):
    c = customers.create(db, Customer(name="田中太郎", kana="タナカタロウ", code="A1"))
    other = customers.create(db, Customer(name="鈴木一郎", code="B2"))
    c.name = "田中次郎"
    c.kana = "タナカジロウ"
    c.phone = "03-1111-2222"
    saved = customers.update(db, c)
    assert saved.created_at == c.created_at
    assert saved.phone == "0311112222"
    assert [s.id for s in customers.search(db, "じろう")] == [c.id]
    assert customers.search(db, "たろう") == []
    # a code taken by someone else is refused, the row stays as it was
    saved.code = "B2"
    with pytest.raises(ValidationError) as err:
        customers.update(db, saved)
    assert err.value.field == "code"
    assert customers.get(db, c.id).code == "A1"
    assert customers.get(db, other.id).code == "B2"
    # keeping one's own code is fine
    saved.code = "A1"
    saved.notes = "窓際の席"
    assert customers.update(db, saved).notes == "窓際の席"


def test_consent_date_kept_while_consent_stays_and_cleared_when_withdrawn(db):
    c = customers.create(db, Customer(name="田中", dm_consent=True))
    first = c.dm_consent_at
    c.dm_consent_at = None  # a form that does not carry the date
    c.notes = "x"
    assert customers.update(db, c).dm_consent_at == first
    c.dm_consent = False
    assert customers.update(db, c).dm_consent_at is None


def test_get_unknown_raises_not_found(db):
    with pytest.raises(NotFound):
        customers.get(db, 42)
    with pytest.raises(NotFound):
        customers.update(db, Customer(name="x", id=42))


def test_find_by_code_and_phone(db):
    a = customers.create(db, Customer(name="田中", code="Ab-1", phone="09012345678"))
    b = customers.create(db, Customer(name="田中の奥様", phone="090-1234-5678"))
    assert customers.find_by_code(db, "Ab-1").id == a.id
    assert customers.find_by_code(db, " ab-1 ").id == a.id
    assert customers.find_by_code(db, "zz") is None
    assert customers.find_by_code(db, "") is None
    assert [c.id for c in customers.find_by_phone(db, "０９０ー１２３４ー５６７８")] == [a.id, b.id]
    assert customers.find_by_phone(db, "") == []


def test_erased_customers_are_not_found_by_code_phone_or_count(db):
    a = customers.create(db, Customer(name="田中", code="A1", phone="09012345678"))
    customers.create(db, Customer(name="鈴木"))
    db.execute("UPDATE customers SET erased_at = '2026-01-01 00:00:00' WHERE id = ?", [a.id])
    assert customers.find_by_code(db, "A1") is None
    assert customers.find_by_phone(db, "09012345678") == []
    assert customers.count_all(db) == 1
    assert customers.get(db, a.id).erased_at == dt.datetime(2026, 1, 1)


def test_channels_list_lookup_and_create(db):
    names = [c.name for c in customers.list_channels(db)]
    assert names == ["店頭クーポン", "Instagram", "グルメサイト", "紹介", "通りがかり"]
    assert customers.channel_id(db, "ＩＮＳＴＡＧＲＡＭ") == customers.channel_id(db, "Instagram")
    assert customers.channel_id(db, "チラシ") is None
    new = customers.channel_id(db, "チラシ", create=True)
    assert customers.channel_id(db, "チラシ") == new
    assert customers.list_channels(db)[-1].name == "チラシ"
    assert customers.channel_id(db, "  ") is None


def test_summary_has_visit_figures_and_allergy_flag(db):
    c = customers.create(db, Customer(name="田中"))
    db.execute(
        "INSERT INTO preferences(customer_id, kind, level, label, created_at)"
        " VALUES (?, 'food', 'allergy', 'えび', '2026-01-01 00:00:00')",
        [c.id],
    )
    s = customers.summary(db, c.id)
    assert s.has_allergy and s.visit_count == 0 and s.last_visit_at is None
    with pytest.raises(NotFound):
        customers.summary(db, 999)


def test_insert_many_is_searchable(db):
    rows = [Customer(name=f"客{i}", kana="キャク", phone=f"090{i:08d}") for i in range(300)]
    assert customers.insert_many(db, rows) == 300
    assert customers.count_all(db) == 300
    assert customers.count(db, "00000299") == 1
    assert customers.count(db, "きゃく") == 300


def test_code_unique_in_the_schema_too(db):
    customers.create(db, Customer(name="田中", code="A1"))
    with pytest.raises(IntegrityError):
        customers.insert_many(db, [Customer(name="鈴木", code="A1")])
    assert _count(db) == 1


@pytest.mark.parametrize(
    "text,postal,expected",
    [
        (
            "東京都港区芝公園4-2-8 東京タワービル3F",
            "",
            ("東京都", "港区", "芝公園4-2-8", "東京タワービル3F"),
        ),
        ("港区芝公園4-2-8", "1050011", ("東京都", "港区", "芝公園4-2-8", "")),
        ("三重県四日市市八田1-2-3", "", ("三重県", "四日市市", "八田1-2-3", "")),
        (
            "愛知県名古屋市 中区栄3-5-1　栄ビル201",
            "",
            ("愛知県", "名古屋市中区", "栄3-5-1", "栄ビル201"),
        ),
        ("北海道石狩郡当別町白樺1", "", ("北海道", "石狩郡当別町", "白樺1", "")),
        ("大阪市北区梅田1-1-1", "", ("大阪府", "大阪市北区", "梅田1-1-1", "")),
    ],
)
def test_split_address(text, postal, expected):
    assert customers.split_address(text, postal) == expected


def test_postal_address_offline():
    assert customers.postal_address("105-0011") == ("東京都", "港区", "芝公園")
    assert customers.postal_address("9999999") is None
    with pytest.raises(ValidationError) as err:
        customers.postal_address("12345")
    assert err.value.field == "postal_code"
