"""Which column of a file goes to which field: the fields of customers and visits, their header
aliases in Japanese and English, ``guess_mapping`` and the user's corrections (``--map``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from shopcrm.domain.rules import FIELD_LABELS, ValidationError
from shopcrm.i18n import N_, _, load_catalog

KINDS = ("customers", "visits")


for _field, _label in (
    ("import_field", N_("Column")),
    ("customer_id", N_("Customer ID")),
    ("dm_consent", N_("DM consent")),
    ("do_not_mail", N_("Do not mail")),
):
    FIELD_LABELS.setdefault(_field, _label)

# field -> (label msgid, aliases). Aliases are compared after _header_key (NFKC, casefold, no
# spaces or punctuation), so "E-mail", "e mail" and "Ｅメール" are all one.
CUSTOMER_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": (N_("Customer ID"), ("id", "顧客id", "お客様id", "customerid", "顧客番号")),
    "code": (
        N_("Membership code"),
        (
            "会員番号",
            "会員id",
            "会員no",
            "会員コード",
            "メンバーid",
            "code",
            "membershipcode",
            "memberid",
            "memberno",
            "membershipno",
            "カード番号",
        ),
    ),
    "name": (
        N_("Name"),
        (
            "氏名",
            "名前",
            "お名前",
            "顧客名",
            "お客様名",
            "name",
            "fullname",
            "customername",
            "会員名",
        ),
    ),
    "kana": (
        N_("Reading (kana)"),
        (
            "フリガナ",
            "ふりがな",
            "カナ",
            "かな",
            "よみ",
            "ヨミ",
            "読み",
            "よみがな",
            "kana",
            "reading",
            "readingkana",
            "furigana",
            "氏名カナ",
            "氏名フリガナ",
            "フリガナ氏名",
            "名前カナ",
            "名前フリガナ",
            "セイメイ",
        ),
    ),
    "phone": (
        N_("Phone"),
        (
            "電話番号",
            "電話",
            "tel",
            "telephone",
            "phone",
            "phonenumber",
            "携帯",
            "携帯電話",
            "携帯番号",
            "携帯電話番号",
            "連絡先",
            "mobile",
            "電話番号携帯",
        ),
    ),
    "email": (
        N_("Email"),
        (
            "メール",
            "メールアドレス",
            "eメール",
            "email",
            "mail",
            "emailaddress",
            "mailaddress",
            "pcメール",
            "携帯メール",
        ),
    ),
    "line_id": (N_("LINE ID"), ("lineid", "line", "ラインid")),
    "postal_code": (
        N_("Postal code"),
        ("郵便番号", "〒", "postalcode", "zip", "zipcode", "postcode", "郵便"),
    ),
    "address": (N_("Address"), ("住所", "address", "ご住所", "所在地", "住所1")),
    "prefecture": (N_("Prefecture"), ("都道府県", "prefecture", "県")),
    "city": (N_("City"), ("市区町村", "city", "市町村")),
    "street": (N_("Street"), ("番地", "町名番地", "street", "住所2", "町域", "丁目番地")),
    "building": (
        N_("Building"),
        ("建物", "建物名", "建物名部屋番号", "マンション名", "building", "住所3", "アパート名"),
    ),
    "birthday": (
        N_("Birthday"),
        (
            "誕生日",
            "生年月日",
            "お誕生日",
            "birthday",
            "birthdate",
            "dateofbirth",
            "dob",
            "誕生年月日",
        ),
    ),
    "channel": (
        N_("Acquisition channel"),
        (
            "来店きっかけ",
            "きっかけ",
            "流入経路",
            "集客経路",
            "経路",
            "channel",
            "source",
            "acquisitionchannel",
            "媒体",
            "認知経路",
        ),
    ),
    "tags": (N_("Tags"), ("タグ", "tags", "tag", "分類", "区分")),
    "notes": (N_("Notes"), ("メモ", "備考", "notes", "note", "memo", "コメント", "特記事項")),
    "dm_consent": (
        N_("DM consent"),
        (
            "dm可",
            "dm同意",
            "dm",
            "dm送付可",
            "dm希望",
            "dmconsent",
            "consent",
            "ダイレクトメール",
            "ダイレクトメール可",
            "案内送付",
            "案内可",
        ),
    ),
    "dm_consent_at": (
        N_("DM consent date"),
        ("dm同意日", "同意日", "dmconsentdate", "consentdate", "dmconsentat"),
    ),
    "dm_consent_channel": (
        N_("DM consent given by"),
        (
            "同意方法",
            "dm同意方法",
            "consentchannel",
            "dmconsentchannel",
            "consentgivenby",
            "dmconsentgivenby",
        ),
    ),
    "do_not_mail": (
        N_("Do not mail"),
        ("dm不可", "送付不可", "dm拒否", "donotmail", "nomail", "dm停止"),
    ),
    "created_at": (
        N_("Registered"),
        (
            "登録日",
            "登録日時",
            "入会日",
            "createdat",
            "created",
            "registered",
            "registeredon",
            "signup",
            "joined",
        ),
    ),
}

VISIT_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "customer_id": (N_("Customer ID"), ("顧客id", "お客様id", "customerid", "顧客番号", "id")),
    "code": CUSTOMER_FIELDS["code"],
    "phone": CUSTOMER_FIELDS["phone"],
    "name": CUSTOMER_FIELDS["name"],
    "kana": CUSTOMER_FIELDS["kana"],
    "visited_at": (
        N_("Date and time"),
        ("来店日時", "日時", "visitedat", "datetime", "visittime", "来店時間", "timestamp"),
    ),
    "date": (N_("Date"), ("来店日", "日付", "date", "visitdate", "来店年月日", "利用日", "年月日")),
    "time": (N_("Time"), ("時刻", "来店時刻", "time", "入店時刻", "入店時間")),
    "amount": (
        N_("Amount"),
        (
            "金額",
            "会計",
            "売上",
            "会計金額",
            "合計",
            "合計金額",
            "お会計",
            "利用金額",
            "amount",
            "total",
            "bill",
            "sales",
            "spent",
            "売上金額",
            "税込金額",
        ),
    ),
    "party_size": (
        N_("Party size"),
        ("人数", "来店人数", "partysize", "guests", "people", "pax", "名様", "人"),
    ),
    "items": (
        N_("Items"),
        (
            "注文",
            "品目",
            "注文品",
            "注文内容",
            "メニュー",
            "items",
            "orders",
            "order",
            "ordered",
            "商品",
            "内容",
        ),
    ),
    "staff": (N_("Staff"), ("担当", "担当者", "スタッフ", "staff", "接客")),
    "note": (N_("Notes"), ("メモ", "備考", "notes", "note", "memo", "コメント")),
}

IGNORE = ""  # mapping value: do not import this column


def fields_for(kind: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    return CUSTOMER_FIELDS if kind == "customers" else VISIT_FIELDS


def field_label(kind: str, name: str) -> str:
    spec = fields_for(kind).get(name)
    return _(spec[0]) if spec else name


_HEADER_DROP = re.compile(r"[\s\-_・.。、,:：/()（）\[\]「」【】*＊※]+")


def header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return _HEADER_DROP.sub("", text)


def guess_mapping(headers: Sequence[str], kind: str) -> dict[int, str]:
    """Column index -> field for every header recognised (in English, Japanese, either
    language's label); a field is taken by its first matching column only."""
    specs = fields_for(kind)
    lookup: dict[str, str] = {}
    for name, (label, aliases) in specs.items():
        for alias in (name, label, *aliases):
            lookup.setdefault(header_key(alias), name)
    catalog = load_catalog("ja")
    if catalog is not None:  # the Japanese label of a field is a header too (our own exports)
        for name, (label, _aliases) in specs.items():
            lookup.setdefault(header_key(catalog.gettext(label)), name)
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for i, header in enumerate(headers):
        found = lookup.get(header_key(header))
        if found and found not in taken:
            mapping[i] = found
            taken.add(found)
    return mapping


def parse_field_name(kind: str, text: str) -> str:
    """A field named by the user (``--map 列名=phone``, or "電話番号", or "-" to ignore)."""
    text = (text or "").strip()
    if text in ("", "-", "ignore", "skip", "無視"):
        return IGNORE
    specs = fields_for(kind)
    if text in specs:
        return text
    guessed = guess_mapping([text], kind)
    if guessed:
        return guessed[0]
    raise ValidationError(
        "import_field",
        N_("{name} is not a field; use one of: {fields}"),
        name=text,
        fields=", ".join(specs),
    )


def apply_overrides(
    headers: Sequence[str], mapping: dict[int, str], overrides: dict[str, str], kind: str
) -> dict[int, str]:
    """``{header or column number: field}`` corrections on top of ``mapping``."""
    mapping = dict(mapping)
    keys = [header_key(h) for h in headers]
    for column, target in overrides.items():
        name = parse_field_name(kind, target)
        col = str(column).strip()
        if col.isdigit() and 1 <= int(col) <= len(headers):
            index = int(col) - 1
        elif header_key(col) in keys:
            index = keys.index(header_key(col))
        else:
            raise ValidationError(
                "import_field",
                N_("the file has no column {name}; its columns are: {columns}"),
                name=col,
                columns=", ".join(headers),
            )
        if name:
            for i, existing in list(mapping.items()):
                if existing == name:
                    del mapping[i]
            mapping[index] = name
        else:
            mapping.pop(index, None)
    return mapping


def required_fields(kind: str, mapping: dict[int, str]) -> list[str]:
    """Messages for fields the file must have but the mapping lacks (translated)."""
    have = set(mapping.values())
    missing = []
    if kind == "customers":
        if "name" not in have:
            missing.append(_("a name column (氏名 / Name)"))
    else:
        if not have & {"customer_id", "code", "phone"}:
            missing.append(_("a customer column (会員番号, 電話番号 or customer ID)"))
        if not have & {"visited_at", "date"}:
            missing.append(_("a date column (来店日 / Date)"))
        if "amount" not in have:
            missing.append(_("an amount column (金額 / Amount)"))
    return missing
