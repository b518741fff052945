"""The one CSV writer (services/csv_files.py): what Excel on a Japanese PC needs, read back from
the real file's bytes."""

from __future__ import annotations

import csv
import io
import os
import stat

import pytest

from shopcrm.services.csv_files import csv_encoding, csv_text, write_csv

HEADERS = ["氏名", "電話番号", "メモ"]
ROWS = [
    ["山田 太郎", "090-1234-5678", "日本酒好き"],
    ['=HYPERLINK("http://evil.example")', None, "-2+3"],
    ['Ann, "the" regular', 42, "two\nlines"],
]


def _read(data: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def test_default_is_utf8_with_bom_crlf_and_no_live_formula(tmp_path):
    path = tmp_path / "out.csv"
    assert write_csv(path, HEADERS, ROWS) == 3
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to show Japanese
    assert data.count(b"\r\n") == 4  # header + 3 rows; the newline inside a cell is quoted
    rows = _read(data, "utf-8-sig")
    assert rows[0] == HEADERS
    assert rows[1] == ROWS[0]
    assert rows[2] == ['\'=HYPERLINK("http://evil.example")', "", "'-2+3"]
    assert rows[3] == ['Ann, "the" regular', "42", "two\nlines"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no .part left behind


def test_shift_jis_on_request(tmp_path):
    path = tmp_path / "old.csv"
    write_csv(path, HEADERS, [["𠮷野 花子", "03-1234-5678", "ｶﾅ"]], encoding="Shift_JIS")
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = _read(data, "cp932")
    assert rows[0] == HEADERS
    assert rows[1] == ["?野 花子", "03-1234-5678", "ｶﾅ"]  # cp932 has no 𠮷


def test_encoding_names():
    assert csv_encoding("cp932") == csv_encoding("SJIS") == csv_encoding("shift_jis") == "cp932"
    assert csv_encoding("UTF8") == "utf-8"
    assert csv_encoding("") == csv_encoding(None) == csv_encoding("latin-1") == "utf-8-sig"


def test_text_for_the_terminal_has_no_bom_and_the_same_rules():
    text = csv_text(None, [["@SUM(1+1)", None]])
    assert text == "'@SUM(1+1),\r\n"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_private_files_are_readable_by_the_user_only(tmp_path):
    path = tmp_path / "people.csv"
    write_csv(path, HEADERS, ROWS, private=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_progress_is_reported_and_a_failure_leaves_no_file(tmp_path):
    seen = []
    write_csv(
        tmp_path / "many.csv",
        ["n"],
        ([i] for i in range(1200)),
        progress=lambda n, total: seen.append((n, total)),
        total=1200,
    )
    assert seen == [(500, 1200), (1000, 1200)]

    def broken():
        yield ["first"]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        write_csv(tmp_path / "broken.csv", ["n"], broken())
    assert not (tmp_path / "broken.csv").exists()
    assert not (tmp_path / ".broken.csv.part").exists()
