"""cli/tables.py: columns line up in a terminal when labels and cells are Japanese (a full-width
character takes two columns)."""

from __future__ import annotations

from shopcrm.cli.tables import echo_fields, echo_table
from shopcrm.domain.text import display_width


def test_text_width_counts_full_width_as_two():
    assert display_width("abc") == 3
    assert display_width("来店") == 4
    assert display_width("ＡＢ1") == 5  # full-width latin too
    assert display_width("ｶﾅ") == 2  # half-width kana take one column


def test_echo_fields_aligns_values_after_the_widest_label(capsys):
    echo_fields([("来店きっかけ", "紹介"), ("タグ", "常連"), ("LINE ID", "x")])
    lines = capsys.readouterr().out.splitlines()
    pairs = zip(lines, "紹常x", strict=True)
    starts = {display_width(line[: line.index(value)]) for line, value in pairs}
    assert len(starts) == 1 and all(line.startswith("  ") for line in lines)


def test_echo_fields_skip_empty_keeps_the_alignment_of_all_labels(capsys):
    fields = [("メールアドレス", ""), ("電話", "090-1111-2222")]
    echo_fields(fields, skip_empty=True)
    skipped = capsys.readouterr().out
    echo_fields(fields)
    full = capsys.readouterr().out.splitlines()
    assert skipped.splitlines() == [full[1]]  # the empty one left out, the other unmoved


def test_echo_table_pads_by_columns_and_right_aligns(capsys):
    rows = [["1", "山田 太郎", "¥500"], ["12", "Bob", "¥12,000"]]
    echo_table(["ID", "氏名", "金額"], rows, right=(0, 2))
    header, rule, first, second = capsys.readouterr().out.splitlines()
    assert header.startswith("ID  氏名      ") and header.endswith("   金額")
    widths = [len(part) for part in rule.split("  ")]
    assert widths == [2, display_width("山田 太郎"), len("¥12,000")]
    assert first.startswith(" 1  山田 太郎") and second.startswith("12  Bob      ")
    assert display_width(first) == display_width(second) == display_width(rule)
    assert first.endswith("   ¥500")
