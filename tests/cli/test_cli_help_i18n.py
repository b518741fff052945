"""``shopcrm --help``, every command's help and click's own messages follow the language.

The language comes from ``--lang`` (wherever it is on the line), else ``SHOPCRM_LANG``, else the
locale (``LANG=ja_JP.UTF-8``); help is translated when it is shown, so switching back and forth in
one process works, and English stays exactly English.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from shopcrm import i18n
from shopcrm.cli import cli
from shopcrm.cli.i18n_click import has_wide, language_from_args, truncate, wrap
from shopcrm.domain.text import display_width


@pytest.fixture(autouse=True)
def _keep_language(monkeypatch):
    """Each test leaves the process language as it found it."""
    monkeypatch.setattr(i18n, "_language", i18n._language)
    monkeypatch.setattr(i18n, "_translations", i18n._translations)


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, prog_name="shopcrm")


def _walk(command: click.Command, path: str = "shopcrm"):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, f"{path} {name}")


def test_root_help_in_japanese():
    result = run("--lang", "ja", "--help")
    assert result.exit_code == 0, result.output
    out = result.output
    for words in ("使い方: shopcrm", "オプション:", "コマンド:", "このヘルプを表示して終了します。",
                  "バージョンを表示して終了します。", "小さなお店のための"):  # fmt: skip
        assert words in out
    # the command summaries are Japanese too
    assert "お客様: 登録・編集・検索・一覧・詳細・好み。" in out
    assert "来店: 記録・一覧・削除。" in out
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Guests:"):
        assert english not in out


def test_help_written_before_lang_is_japanese_too():
    result = run("--help", "--lang", "ja")
    assert result.exit_code == 0
    assert "使い方:" in result.output and "コマンド:" in result.output
    assert "使い方:" in run("--lang=ja", "-h").output


def test_subcommand_help_and_option_help_in_japanese():
    result = run("--lang", "ja", "customers", "add", "--help")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "使い方: shopcrm customers add [OPTIONS]" in out
    assert "お客様を登録します。" in out
    assert "氏名（例: 田中太郎）。" in out and "[必須]" in out
    assert "電話番号" in out and "ふりがな" in out
    visits = run("--lang", "ja", "visits", "add", "--help").output
    assert "来店を記録します。" in visits and "人数（1〜99）。" in visits
    assert "[既定: 1]" in visits


def test_group_help_lists_japanese_command_summaries():
    out = run("--lang", "ja", "coupons", "--help").output
    assert "クーポン: キャンペーンの発行・利用・確認・一覧・無効化。" in out
    assert "未使用のクーポンを無効にします。" in out  # coupons void


def test_missing_required_option_is_reported_in_japanese(db_path):
    result = run("--db", str(db_path), "--lang", "ja", "customers", "add")
    assert result.exit_code == 2
    assert "エラー: 必須のオプションがありません: '--name'." in result.stderr
    assert "使い方: shopcrm customers add [OPTIONS]" in result.stderr
    assert "'shopcrm customers add --help' でヘルプを表示できます。" in result.stderr


def test_click_errors_in_japanese(db_path):
    bad_number = run("--db", str(db_path), "--lang", "ja", "customers", "list", "--limit", "many")
    assert bad_number.exit_code == 2
    assert "'--limit' の値が正しくありません: 'many' は数値として読めません。" in bad_number.stderr
    out_of_range = run("--db", str(db_path), "--lang", "ja", "customers", "list", "--limit", "0")
    assert "範囲外" in out_of_range.stderr
    bad_choice = run("--db", str(db_path), "--lang", "ja", "customers", "list", "--filter", "vip")
    assert "'vip' は選べません" in bad_choice.stderr and "'regulars'" in bad_choice.stderr
    unknown_command = run("--lang", "ja", "custmers")
    assert unknown_command.exit_code == 2
    assert "'custmers' というコマンドはありません。" in unknown_command.stderr
    assert "もしかして" in unknown_command.stderr
    unknown_option = run("--lang", "ja", "customers", "add", "--nmae", "x")
    assert "'--nmae' というオプションはありません。" in unknown_option.stderr
    missing_value = run("--lang", "ja", "visits", "add", "--customer")
    assert "オプション '--customer' には値が必要です。" in missing_value.stderr
    extra = run("--db", str(db_path), "--lang", "ja", "customers", "list", "surplus")
    assert "余分な引数があります (surplus)" in extra.stderr


def test_a_parse_error_before_lang_is_still_japanese():
    # the unknown option comes first: --lang must already be in force when parsing fails
    result = run("--bogus", "--lang", "ja")
    assert result.exit_code == 2
    assert "'--bogus' というオプションはありません。" in result.stderr


def test_english_is_unchanged(db_path):
    out = run("--lang", "en", "--help").output
    for words in ("Usage: shopcrm [OPTIONS] [COMMAND] [ARGS]...", "Options:", "Commands:",
                  "Show this message and exit.", "Guests: register, edit, search, list, show",
                  "Show the version and exit."):  # fmt: skip
        assert words in out
    assert "使い方" not in out
    missing = run("--db", str(db_path), "--lang", "en", "customers", "add")
    assert "Error: Missing option '--name'." in missing.stderr
    assert "Try 'shopcrm customers add --help' for help." in missing.stderr
    assert "Full name, e.g. 田中太郎." in run("--lang", "en", "customers", "add", "-h").output
    assert run("--lang", "en", "--version").output.startswith("shopcrm, version ")


def test_language_can_switch_back_and_forth_in_one_process():
    # help is translated when shown, never frozen at import or at first use
    for _round in range(2):
        assert "このヘルプを表示して終了します。" in run("--lang", "ja", "visits", "-h").output
        english = run("--lang", "en", "visits", "-h").output
        assert "Show this message and exit." in english and "来店" not in english


def test_shopcrm_lang_environment_variable(monkeypatch):
    monkeypatch.setattr(i18n, "_language", "")  # as in a fresh process
    monkeypatch.setenv("SHOPCRM_LANG", "ja")
    out = run("--help").output
    assert "使い方:" in out and "お客様: 登録" in out


def test_japanese_locale(monkeypatch):
    monkeypatch.setattr(i18n, "_language", "")
    for var in ("SHOPCRM_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    out = run("customers", "--help").output
    assert "お客様を登録します。" in out  # customers add's summary
    assert "コマンド:" in out


def test_the_installed_command_in_a_japanese_locale():
    """The real entry point in a fresh process: nothing translated at import, locale honoured."""
    env = {k: v for k, v in os.environ.items() if k not in ("SHOPCRM_LANG", "LC_ALL", "LANGUAGE")}
    env.update(LANG="ja_JP.UTF-8", LC_MESSAGES="ja_JP.UTF-8", PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "shopcrm", "--help"],
        env=env, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "使い方: shopcrm" in done.stdout and "来店: 記録・一覧・削除。" in done.stdout
    probe = "import shopcrm.cli, shopcrm.i18n as i; print(repr(i._language))"
    imported = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert imported.stdout.strip() == "''"  # importing the CLI chose no language yet


def test_every_command_and_option_help_has_japanese():
    catalog = i18n.load_catalog("ja")
    missing = []
    for path, command in _walk(cli):
        texts = [command.help, command.short_help]
        texts += [getattr(p, "help", None) for p in command.params if not getattr(p, "hidden", 0)]
        for text in texts:
            if text and text not in catalog._messages:
                missing.append(f"{path}: {inspect.cleandoc(text)!r}")
    assert not missing, "help without Japanese:\n" + "\n".join(missing)


def test_japanese_help_fits_the_terminal():
    for path, _command in _walk(cli):
        args = ["--lang", "ja", *path.split()[1:], "--help"]
        result = run(*args)
        assert result.exit_code == 0, (path, result.output)
        # lines with Japanese fit in 80 columns (an option's long list of choices is click's own)
        lines = [line for line in result.output.splitlines() if has_wide(line)]
        assert max(display_width(line) for line in lines) <= 80, path


def test_wrapping_by_text_width():
    assert display_width("お客様ABC") == 9
    assert truncate("お客様を登録します", 7) == "お客様…"
    assert truncate("short", 10) == "short"
    lines = wrap("お客様を登録します。電話番号とふりがなで探せます。", 20)
    assert all(display_width(line) <= 22 for line in lines)  # a 。 may hang past the edge
    assert not any(line.startswith(("。", "、")) for line in lines)
    assert "".join(lines) == "お客様を登録します。電話番号とふりがなで探せます。"
    assert wrap("hello wonderful world", 11) == ["hello", "wonderful", "world"]
    # an opening bracket never ends a line: it goes down with what it opens
    lines = wrap("LAYOUT: postcards（はがき）、letters（手紙）", 20)
    assert not any(line.endswith("（") for line in lines)
    assert lines[1].startswith("（はがき）")


def test_language_from_args():
    assert language_from_args(["--lang", "ja", "customers"]) == "ja"
    assert language_from_args(["--db", "x.db", "--lang=en"]) == "en"
    assert language_from_args(["--lang", "fr"]) is None
    # a subcommand's own arguments are not the root's --lang
    assert language_from_args(["customers", "add", "--name", "--lang", "ja"], ["customers"]) is None
