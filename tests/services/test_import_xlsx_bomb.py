"""An .xlsx zip bomb (a few hundred KB that unpacks to tens of MB of sheet XML) is refused at once
with the reason, before anything is unpacked; an honest workbook still imports."""

from __future__ import annotations

import time
import zipfile

import pytest
from openpyxl import Workbook

from shopcrm.services import transfer


def _workbook(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["氏名", "フリガナ", "電話番号"])
    ws.append(["山田 太郎", "ヤマダ タロウ", "090-1234-5678"])
    wb.save(path)


def _bomb(honest, bomb, megabytes: int):
    with zipfile.ZipFile(honest) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"</sheetData>")
                with dst.open(info.filename, "w") as fh:
                    fh.write(head)
                    row = b'<row><c t="inlineStr"><is><t>' + b"x" * 1000 + b"</t></is></c></row>"
                    chunk = row * 1000
                    for _ in range(megabytes):
                        fh.write(chunk)
                    fh.write(b"</sheetData>" + tail)
            else:
                dst.writestr(info, data)


def test_a_zip_bomb_is_refused_quickly_with_the_reason(tmp_path):
    honest = tmp_path / "名簿.xlsx"
    _workbook(honest)
    bomb = tmp_path / "爆弾.xlsx"
    _bomb(honest, bomb, 40)
    assert bomb.stat().st_size < 1024 * 1024
    started = time.monotonic()
    with pytest.raises(transfer.ImportFileError) as err:
        transfer.read_table(bomb)
    assert time.monotonic() - started < 5  # refused before unpacking, not after minutes
    assert err.value.params["name"] == "爆弾.xlsx" and err.value.params["mb"] >= 35


def test_an_honest_workbook_still_reads(tmp_path):
    honest = tmp_path / "名簿.xlsx"
    _workbook(honest)
    table = transfer.read_table(honest)
    assert table.headers[:2] == ["氏名", "フリガナ"] and table.rows[0][0] == "山田 太郎"
