"""A stray quote in a CSV (issue 17): it swallowed the following lines into one guest's name, and
"Imported 2 of 2 rows" hid three guests. Now the row is an error naming the lines it swallowed,
and nothing is imported; a mixed-up encoding row is reported and the rest read."""

from __future__ import annotations

from shopcrm.services import transfer
from shopcrm.store import customers


def _plan(db, path):
    table = transfer.read_table(path)
    return transfer.plan_import(db, table, "customers")


def test_a_stray_quote_is_reported_with_the_lines_it_swallowed(db, tmp_path):
    path = tmp_path / "名簿.csv"
    path.write_text(
        "氏名,フリガナ,電話番号\n"
        "山田 太郎,ヤマダ タロウ,090-1111-2222\n"
        '"佐藤 花子,サトウ ハナコ,090-3333-4444\n'
        "鈴木 一郎,スズキ イチロウ,090-5555-6666\n"
        "高橋 次郎,タカハシ ジロウ,090-7777-8888\n"
        "田中 三郎,タナカ サブロウ,090-9999-0000\n",
        encoding="utf-8",
    )
    plan = _plan(db, path)
    problems = plan.report.errors
    assert problems, "the swallowed lines must be reported"
    first = problems[0]
    assert first.row == 3 and "stray quote" in first.reason
    assert "lines 3 to" in first.reason
    import pytest

    with pytest.raises(transfer.ImportRefused):
        transfer.apply_import(db, plan)
    assert customers.count_all(db) == 0  # all or nothing


def test_notes_may_hold_line_breaks(db, tmp_path):
    path = tmp_path / "名簿.csv"
    path.write_text(
        '氏名,フリガナ,メモ\n山田 太郎,ヤマダ タロウ,"窓際の席\n日本酒好き"\n', encoding="utf-8"
    )
    plan = _plan(db, path)
    assert not plan.report.errors
    transfer.apply_import(db, plan)
    assert customers.count_all(db) == 1


def test_one_shift_jis_row_in_a_utf8_file_is_reported_and_the_rest_read(db, tmp_path):
    path = tmp_path / "名簿.csv"
    head = "氏名,フリガナ\n山田 太郎,ヤマダ タロウ\n".encode()
    bad = "佐藤 花子,サトウ ハナコ\n".encode("cp932")
    tail = "鈴木 一郎,スズキ イチロウ\n".encode()
    path.write_bytes(head + bad + tail)
    table = transfer.read_table(path)
    assert table.headers[:2] == ["氏名", "フリガナ"]  # the columns are not garbled
    plan = transfer.plan_import(db, table, "customers")
    assert [p.row for p in plan.report.errors] == [3]
    assert "cannot be read" in plan.report.errors[0].reason
