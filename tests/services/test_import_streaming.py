"""The import streams: the reader holds a few rows, not the file; the report keeps its first
problems and counts the rest; and every guarantee of the import holds when reading row by row
(all or nothing, an exact re-import refused, a file changed after its dry run refused)."""

from __future__ import annotations

import tracemalloc

import pytest

from shopcrm.domain.models import Customer
from shopcrm.services import transfer
from shopcrm.services.transfer import reading
from shopcrm.services.transfer.report import KEEP
from shopcrm.store import customers

NOTE = "窓際の席を希望、生ビールは最初に二杯。" * 6  # a long cell: 120 characters


def _visits_csv(path, rows: int, guests: int = 50) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("会員番号,来店日時,金額,人数,注文,メモ\n")
        for i in range(rows):
            fh.write(
                f"M{i % guests:04d},2025-{1 + i % 12:02d}-{1 + i % 28:02d} 19:{i % 60:02d},"
                f"{1000 + i % 97 * 100},{1 + i % 4},生ビール×2、枝豆,{NOTE}{i}\n"
            )


def _shop(db, guests: int = 50) -> None:
    customers.insert_many(db, [Customer(name=f"客{i}", code=f"M{i:04d}") for i in range(guests)])


def _peak_reading(path) -> tuple[int, int]:
    """(rows, peak bytes allocated) of reading every record of ``path``."""
    tracemalloc.start()
    try:
        n = sum(1 for _record in transfer.open_file(path).records())
        return n, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_holds_a_few_rows_not_the_file(tmp_path):
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    _visits_csv(small, 20_000)
    _visits_csv(big, 100_000)
    assert big.stat().st_size > 25_000_000
    rows_small, peak_small = _peak_reading(small)
    rows_big, peak_big = _peak_reading(big)
    assert (rows_small, rows_big) == (20_000, 100_000)
    # the head (1 MB) decides the encoding; then a buffer and one row: the same for any size
    assert peak_big < 8_000_000, peak_big
    assert peak_big < 1.5 * peak_small + 1_000_000, (peak_small, peak_big)


def test_the_preview_reads_only_the_head(tmp_path):
    path = tmp_path / "visits.csv"
    _visits_csv(path, 100_000)
    tracemalloc.start()
    try:
        table = transfer.preview(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table.headers[:3] == ["会員番号", "来店日時", "金額"]
    assert len(table.rows) == reading.PREVIEW_ROWS and table.lines[0] == 2
    assert table.encoding == "utf-8"
    assert peak < 8_000_000, peak


def test_a_large_file_whose_japanese_starts_late_is_still_read_as_shift_jis(db, tmp_path):
    path = tmp_path / "sjis.csv"
    ascii_rows = [f"Guest {i},,090{i:08d}" for i in range(60_000)]  # over the 1 MB head
    last = "山田 太郎,ヤマダ タロウ,0312345678"
    text = "\r\n".join(["氏名,フリガナ,電話番号", *ascii_rows, last])
    path.write_bytes(text.encode("cp932"))
    assert path.stat().st_size > reading.HEAD_BYTES
    source = transfer.open_file(path)
    assert source.encoding == "cp932" and source.headers[0] == "氏名"
    last = list(source.records())[-1]
    assert last.cells[0] == "山田 太郎" and not last.unreadable


def test_the_report_keeps_the_first_problems_and_counts_them_all(db, tmp_path):
    _shop(db)
    path = tmp_path / "bad.csv"
    lines = ["会員番号,来店日時,金額"] + [f"X{i},2026-02-01 19:00,{i}" for i in range(KEEP + 500)]
    lines.append("M0001,2026-02-01 19:00,1000")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = transfer.plan_import(db, transfer.open_file(path), "visits")
    report = plan.report
    assert report.rows == KEEP + 501 and report.valid == 1
    assert len(report.errors) == KEEP and report.error_count == report.bad_rows == KEEP + 500
    assert report.errors[0].row == 2 and report.cut
    assert str(KEEP + 500) in report.summary()
    with pytest.raises(transfer.ImportRefused) as refused:
        transfer.apply_import(db, plan)
    assert str(KEEP + 500) in str(refused.value)
    done = transfer.apply_import(db, plan, valid_only=True)
    assert done.imported == 1
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 1


def test_one_reading_with_errors_writes_nothing_and_reports_like_a_dry_run(db, tmp_path):
    _shop(db)
    path = tmp_path / "visits.csv"
    path.write_text(
        "会員番号,来店日時,金額\nM0001,2026-02-01 19:00,3000\nM0002,2026-02-31 19:00,4000\n"
        "M0003,2026-02-02 19:00,5000\n",
        encoding="utf-8",
    )
    with pytest.raises(transfer.ImportRefused) as refused:
        transfer.import_file(db, path, "visits")
    report = refused.value.report
    assert report.dry_run and report.valid == 2 and report.error_rows == [3]
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
    done = transfer.import_file(db, path, "visits", valid_only=True)
    assert (done.imported, done.skipped) == (2, 1)


def test_one_reading_refuses_an_exact_re_import_and_writes_nothing(db, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("氏名,電話番号\n山田 太郎,0312345678\n佐藤 花子,0312345679\n", "utf-8")
    assert transfer.import_file(db, path, "customers").imported == 2
    again = tmp_path / "again.csv"  # the same rows saved again, in another encoding
    again.write_bytes(path.read_text("utf-8").replace("\n", "\r\n").encode("cp932"))
    with pytest.raises(transfer.AlreadyImported):
        transfer.import_file(db, again, "customers")
    assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == 2
    assert transfer.import_file(db, again, "customers", allow_duplicates=True).imported == 2


def test_a_file_changed_after_its_dry_run_is_refused(db, tmp_path):
    _shop(db)
    path = tmp_path / "visits.csv"
    path.write_text("会員番号,来店日時,金額\nM0001,2026-02-01 19:00,3000\n", encoding="utf-8")
    plan = transfer.plan_import(db, transfer.open_file(path), "visits")
    path.write_text("会員番号,来店日時,金額\nM0001,2026-02-01 19:00,30000\n", encoding="utf-8")
    with pytest.raises(transfer.ImportFileError) as err:
        transfer.apply_import(db, plan)
    assert "changed since it was checked" in str(err.value)
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0


def test_visits_repeated_in_a_large_file_are_reported_with_their_first_row(db, tmp_path):
    _shop(db)
    path = tmp_path / "visits.csv"
    _visits_csv(path, 3000)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"M0007,2025-08-08 19:07,{1000 + 7 % 97 * 100},1,枝豆,\n")  # row 9's visit
    plan = transfer.plan_import(db, transfer.open_file(path), "visits")
    repeats = [d for d in plan.report.duplicates if d.by == "visit"]
    assert [(d.row, d.other_row, d.value) for d in repeats] == [(3002, 9, "2025-08-08 19:07:00")]
    report = transfer.apply_import(db, plan)
    assert report.imported == 3001  # repeated in the file: reported, imported (opt-out)


def test_a_visit_already_in_the_database_is_reported_with_the_guests_name(db, tmp_path):
    _shop(db)
    path = tmp_path / "visits.csv"
    path.write_text("会員番号,来店日時,金額\nM0003,2025-02-01 19:00,3000\n", encoding="utf-8")
    assert transfer.import_file(db, path, "visits").imported == 1
    again = tmp_path / "again.csv"  # the same visit and a new one: not an exact re-import
    again.write_text(
        "会員番号,来店日時,金額\nM0003,2025-02-01 19:00,3000\nM0003,2025-02-02 19:00,3000\n",
        encoding="utf-8",
    )
    plan = transfer.plan_import(db, transfer.open_file(again), "visits")
    [dup] = plan.report.duplicates
    assert (dup.row, dup.by, dup.name) == (2, "visit", "客3") and plan.db_duplicates == 1
    report = transfer.apply_import(db, plan)
    assert (report.imported, report.skipped) == (1, 1)  # the one already there is left out
