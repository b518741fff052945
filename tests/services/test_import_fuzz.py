"""Property-based tests: malformed files never crash the importer, every bad row is reported,
and nothing is half-written (hypothesis)."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopcrm.domain.rules import check_customer
from shopcrm.services import transfer
from shopcrm.store import customers

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

phones = st.one_of(
    st.sampled_from(
        [
            "090-1234-5678",
            "０３－１２３４－５６７８",
            "9012345678",
            "+81 90 1111 2222",
            "",
            "12",
            "abc",
            "090-1234-56789",
            "0" * 40,
        ]
    ),
    st.text(alphabet="0123456789-+ ()", max_size=16),
)
dates = st.one_of(
    st.sampled_from(
        [
            "S55.3.10",
            "1980/2/29",
            "1981/2/29",
            "3月10日",
            "令和元年5月1日",
            "H31.5.1",
            "2099-01-01",
            "",
            "13/40",
            "昨日",
        ]
    ),
    st.dates().map(lambda d: d.isoformat()),
    st.text(max_size=12),
)
names = st.one_of(st.sampled_from(["山田 太郎", "", "ｽｽﾞｷ", "A" * 500]), st.text(max_size=30))
emails = st.one_of(st.sampled_from(["a@example.jp", "bad@", "x@@y", ""]), st.text(max_size=20))
cells = st.one_of(
    st.text(max_size=20),
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True).map(str),
    st.text(alphabet=string.printable, max_size=5000),  # huge fields
)
rows = st.lists(
    st.tuples(
        names,
        st.text(max_size=12),
        phones,
        dates,
        emails,
        st.sampled_from(["○", "×", "?", ""]),
        cells,
    ),
    min_size=1,
    max_size=12,
)


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _count(db):
    return db.execute("SELECT count(*) FROM customers").fetchone()[0]


@SETTINGS
@given(
    rows=rows, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]), valid_only=st.booleans()
)
def test_every_row_is_imported_or_reported(db, tmp_path_factory, rows, encoding, valid_only):
    header = "氏名,フリガナ,電話番号,誕生日,メール,DM可,メモ"
    text = "\r\n".join([header, *(",".join(_quote(v) for v in r) for r in rows)]) + "\r\n"
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    before = _count(db)
    plan = transfer.plan_import(db, transfer.read_table(path), "customers")
    report = plan.report
    assert report.rows == sum(1 for r in rows if any(v.strip() for v in r))  # blank rows skipped
    assert report.valid + len(report.error_rows) == report.rows
    lines = len(text.splitlines())
    assert all(2 <= e.row <= lines for e in report.errors)
    if report.errors and not valid_only:
        with pytest.raises(transfer.ImportRefused):
            transfer.apply_import(db, plan)
        assert _count(db) == before  # nothing half-written
        return
    # (one database for every example: the same rows may come twice, which is not a re-import)
    done = transfer.apply_import(db, plan, valid_only=valid_only, allow_duplicates=True)
    assert done.imported == report.valid
    assert _count(db) == before + report.valid
    for c in customers.search(db, "", order_by="created", descending=True, limit=report.valid):
        full = customers.get(db, c.id)
        assert check_customer(full).phone == full.phone  # stored values are normalised


@SETTINGS
@given(data=st.binary(max_size=3000), kind=st.sampled_from(["customers", "visits"]))
def test_random_bytes_never_crash(db, tmp_path_factory, data, kind):
    path = tmp_path_factory.mktemp("bytes") / "junk.csv"
    path.write_bytes(data)
    before = _count(db)
    try:
        table = transfer.read_table(path)
        report = transfer.plan_import(db, table, kind).report
    except transfer.ImportFileError as err:
        assert str(err)  # a sentence for the user
        return
    assert report.valid + len(report.error_rows) == report.rows
    assert _count(db) == before


@SETTINGS
@given(body=st.binary(max_size=2000))
def test_valid_header_with_garbage_body(db, tmp_path_factory, body):
    path = tmp_path_factory.mktemp("garbage") / "g.csv"
    path.write_bytes("会員番号,来店日,金額,人数,注文\r\n".encode("cp932") + body)
    table = transfer.read_table(path)
    plan = transfer.plan_import(db, table, "visits", create_customers=True)
    report = plan.report
    assert report.valid + len(report.error_rows) == report.rows
    visits_before = db.execute("SELECT count(*) FROM visits").fetchone()[0]
    try:
        transfer.apply_import(db, plan)
    except (
        transfer.ImportRefused,
        transfer.AlreadyImported,
    ):  # the same body may come twice (one db)
        assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == visits_before


@SETTINGS
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.integers(),
            st.floats(allow_nan=False),
            st.text(st.characters(min_codepoint=32), max_size=40),
            st.booleans(),
            st.dates(),
        ),
        min_size=4,
        max_size=4 * 8,
    )
)
def test_xlsx_cells_of_any_type(db, tmp_path_factory, values):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["氏名", "電話番号", "誕生日", "郵便番号"])
    for i in range(0, len(values) - 3, 4):
        ws.append(values[i : i + 4])
    path = tmp_path_factory.mktemp("xlsx") / "x.xlsx"
    wb.save(path)
    try:
        table = transfer.read_table(path)
    except transfer.ImportFileError:
        return
    report = transfer.plan_import(db, table, "customers").report
    assert report.valid + len(report.error_rows) == report.rows
