"""Data in, data out, data safe: ``import``, ``export``, ``backup``, ``restore``, ``check``,
``info``, ``pin set|clear`` and ``customers merge|unmerge|merges|erase|export``.

Owner-only commands call ``require_owner`` first. A full disk, a read-only file or a damaged
database is reported as a sentence, never as a traceback, and nothing is half-written: imports
are one transaction, backups and exports are renamed into place when complete.

Long module: the ``data`` command group; another branch is reworking these commands, so a split
waits for that work.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import sys
from pathlib import Path

import click

from shopcrm.cli.common import (
    EXIT_INVALID,
    EXIT_PROBLEMS,
    EXIT_REFUSED,
    EXIT_STORAGE,
    CliError,
    echo_json,
    pass_cli,
    require_owner,
)
from shopcrm.cli.customers import resolve_customer_id
from shopcrm.cli.options import output_file
from shopcrm.cli.root import cli
from shopcrm.cli.tables import echo_fields
from shopcrm.domain.rules import format_phone, format_postal_code
from shopcrm.i18n import N_, _, ngettext, pgettext
from shopcrm.logs import setup_logging
from shopcrm.services import auth, privacy, transfer
from shopcrm.services.transfer.encodings import CHOICES as CSV_ENCODINGS
from shopcrm.store import address, backup, file_rows, lock, open_db, settings
from shopcrm.store import customers as store_customers
from shopcrm.store.backup import BackupError, storage_error_message
from shopcrm.store.migrations import schema_version


@contextlib.contextmanager
def storage_errors():
    """sqlite3 and OS errors the user can act on (disk full, read-only ...) as a message."""
    try:
        yield
    except (sqlite3.Error, OSError, BackupError) as exc:
        message = storage_error_message(exc)
        if message is None:
            raise
        raise CliError(message, EXIT_STORAGE) from exc


def _customer_id(obj, ref: str) -> int:
    return resolve_customer_id(obj.db, ref)


# --- import / export ----------------------------------------------------------------------------


def _print_report(report, limit: int = 50) -> None:
    click.echo(report.summary())
    if report.mapping:
        click.echo(
            _("Columns: {mapping}").format(
                mapping=", ".join(f"{h}→{f}" for h, f in report.mapping.items())
            )
        )
    if report.errors:
        click.echo(_("Rows that would fail:"))
        for e in report.errors[:limit]:
            click.echo(_("  row {row}, {column} “{value}”: {reason}").format(**e.as_dict()))
        if report.error_count > limit:  # counted beyond the ones the report keeps
            click.echo(_("  ... and {n} more").format(n=report.error_count - limit))
    if report.duplicates:
        click.echo(_("Likely duplicates:"))
        for d in report.duplicates[:limit]:
            click.echo(_("  row {row}: {what}").format(row=d.row, what=d.describe()))
        if report.duplicate_count > limit:
            click.echo(_("  ... and {n} more").format(n=report.duplicate_count - limit))
    if report.warnings:
        click.echo(_("Warnings:"))
        for w in report.warnings[:limit]:
            click.echo(_("  row {row}, {column} “{value}”: {reason}").format(**w.as_dict()))
        if report.warning_count > limit:
            click.echo(_("  ... and {n} more").format(n=report.warning_count - limit))


@cli.command(
    "import",
    help=N_(
        "Import customers or visits from CSV or Excel (.xlsx): always checked first; all rows "
        "or none unless --valid-only."
    ),
)
@click.argument("kind", type=click.Choice(["customers", "visits"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help=N_("Only check the file and report; write nothing."))
@click.option(
    "--valid-only", is_flag=True, help=N_("Import the valid rows and skip rows with errors.")
)
@click.option(
    "--create-customers", is_flag=True, help=N_("Visits: register unknown membership codes as new.")
)
@click.option(
    "--skip-duplicates",
    is_flag=True,
    help=N_("Customers: skip rows that match a customer already in the database."),
)
@click.option(
    "--allow-duplicates",
    is_flag=True,
    help=N_(
        "Import a file imported before, and visits already in the database, again (they are"
        " counted twice). Without it both are left out."
    ),
)
@click.option(
    "--encoding",
    type=click.Choice(CSV_ENCODINGS, case_sensitive=False),
    default="auto",
    show_default=True,
    help=N_(
        "CSV encoding (auto detects UTF-8, UTF-8 with BOM, Shift_JIS, EUC-JP, ISO-2022-JP"
        " and UTF-16)."
    ),
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=FIELD",
    help=N_("Correct the column mapping, e.g. --map 携帯=phone or --map 備考2=- (ignore)."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the report as JSON."))
@pass_cli
def import_cmd(
    obj,
    kind,
    file,
    dry_run,
    valid_only,
    create_customers,
    skip_duplicates,
    allow_duplicates,
    encoding,
    maps,
    as_json,
):
    require_owner(obj)
    overrides = {}
    for item in maps:
        if "=" not in item:
            raise CliError(_("--map takes COLUMN=FIELD, e.g. 携帯=phone"), EXIT_INVALID)
        column, target = item.rsplit("=", 1)
        overrides[column] = target
    try:
        with storage_errors():
            report = transfer.import_file(
                obj.db,
                file,
                kind,
                dry_run=dry_run,
                valid_only=valid_only,
                create_customers=create_customers,
                skip_duplicates=skip_duplicates,
                allow_duplicates=allow_duplicates,
                encoding=encoding,
                overrides=overrides,
            )
    except transfer.ImportFileError as exc:
        raise CliError(str(exc), EXIT_INVALID) from exc
    except transfer.AlreadyImported as exc:
        raise CliError(
            str(exc) + " " + _("To import it again anyway: --allow-duplicates."), EXIT_PROBLEMS
        ) from exc
    except transfer.ImportRefused as exc:
        if as_json:
            echo_json(exc.report.as_dict())
        else:
            _print_report(exc.report)
        raise CliError(str(exc), EXIT_PROBLEMS) from exc
    if as_json:
        echo_json(report.as_dict())
    else:
        _print_report(report)


@cli.command("export", help=N_("Export customers, visits or coupons to CSV or Excel (.xlsx)."))
@click.argument("what", type=click.Choice(["customers", "visits", "coupons"]))
@output_file(N_("OUT.csv or OUT.xlsx"), dest="out")
@click.option(
    "--encoding",
    type=click.Choice(["utf-8-sig", "utf-8", "cp932"]),
    default="utf-8-sig",
    show_default=True,
    help=N_("CSV encoding: UTF-8 with BOM opens in Excel; cp932 (Shift_JIS) for old software."),
)
@pass_cli
def export_cmd(obj, what, out, encoding):
    require_owner(obj)
    if out.suffix.lower() not in (".csv", ".xlsx", ".tsv", ".txt"):
        raise CliError(_("The output file must end in .csv or .xlsx."), EXIT_INVALID)
    with storage_errors():
        n = transfer.export(obj.db, what, out, encoding=encoding)
    click.echo(_("Wrote {n} rows to {path}").format(n=n, path=out))


# --- backups ------------------------------------------------------------------------------------


@cli.command("backup", help=N_("Back up the database now (safe while the app is running)."))
@output_file(
    N_("Where to write the backup (default: the backups folder)."),
    dest="out",
    required=False,
    backup=True,
)
@click.option("--list", "list_", is_flag=True, help=N_("List the backups instead."))
@click.option("--auto", "auto", type=click.Choice(["daily", "close"]), hidden=True)
@pass_cli
def backup_cmd(obj, out, list_, auto):
    if auto:  # the app's automatic backup, run after its window closed (backup.start_detached)
        setup_logging()
        try:
            path = backup.auto_backup(obj.db_path, auto)
        except Exception:
            logging.getLogger(__name__).exception("automatic %s backup failed", auto)
            sys.exit(EXIT_PROBLEMS)
        logging.getLogger(__name__).info("automatic %s backup written: %s", auto, path)
        return
    if not list_:
        require_owner(obj)  # a copy of the file is every guest's data: the owner's
    with storage_errors():
        if list_:
            rows = backup.list_backups(obj.db_path)
            for b in rows:
                click.echo(
                    f"{b.taken_at:%Y-%m-%d %H:%M:%S}  {b.kind:<13} {b.size // 1024:>7} KB  {b.path}"
                )
            if not rows:
                click.echo(_("No backups yet."))
            return
        if not Path(obj.db_path).exists():
            raise CliError(
                _("There is no database at {path}.").format(path=obj.db_path), EXIT_INVALID
            )
        path = backup.backup_now(obj.db, out, kind="manual")
    click.echo(_("Backup written: {path}").format(path=path))


@cli.command(
    "restore",
    help=N_("Replace the database with a backup (the current one is backed up first)."),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help=N_("Do not ask for confirmation."))
@pass_cli
def restore_cmd(obj, file, yes):
    state = backup.file_state(obj.db_path)
    if state == "ok":
        require_owner(obj)
    else:
        _require_backup_owner(obj, file)  # the damaged file cannot say; the backup's PIN can
    problems = backup.verify_file(file)
    if problems:
        raise CliError(
            _("The backup cannot be restored: {problem}").format(problem="; ".join(problems[:3])),
            EXIT_INVALID,
        )
    if not yes and not click.confirm(
        _("Replace the database {db} with {file}? The current data is backed up first.").format(
            db=obj.db_path, file=file
        )
    ):
        raise CliError(_("Nothing was restored."), EXIT_REFUSED)
    try:
        held = lock.acquire(obj.db_path)
    except lock.DatabaseInUse as exc:
        raise CliError(str(exc), EXIT_REFUSED) from exc
    try:
        with storage_errors():
            obj.close()
            before = backup.restore(obj.db_path, file)

            open_db(obj.db_path).close()  # bring an older backup's schema up to date
    finally:
        held.release()
    if before is None:
        click.echo(_("Restored from {file}.").format(file=file))
    elif state == "ok":
        click.echo(
            _("Restored from {file}. The data from before is in {before}.").format(
                file=file, before=before
            )
        )
    else:
        click.echo(
            _("Restored from {file}. The damaged database was kept as {before}.").format(
                file=file, before=before
            )
        )


def _require_backup_owner(obj, file: Path) -> None:
    """Restoring over a damaged, empty or missing database: the owner PIN of the backup (if it
    has one) is asked, since the current file cannot be read."""
    stored = backup.stored_setting(file, auth.SETTING)
    if not isinstance(stored, str) or not stored:
        return
    pin = obj.pin
    if pin is None and sys.stdin is not None and sys.stdin.isatty():
        pin = click.prompt(_("Owner PIN"), hide_input=True, default="", show_default=False)
    if pin is None:
        raise CliError(
            _("This needs the owner PIN: give --pin PIN or set SHOPCRM_PIN."), EXIT_REFUSED
        )
    if not auth.verify_hash(str(pin).strip(), stored):
        raise CliError(_("Wrong owner PIN."), EXIT_REFUSED)


@cli.command(
    "check",
    help=N_("Check database: back up, then integrity and foreign-key checks, then a plain report."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def check_cmd(obj, as_json):
    if not Path(obj.db_path).exists():
        raise CliError(_("There is no database at {path}.").format(path=obj.db_path), EXIT_INVALID)
    with storage_errors():
        report = backup.check(obj.db)
    if as_json:
        echo_json(
            {
                "ok": report.ok,
                "backup": report.backup,
                "integrity": report.integrity,
                "foreign_keys": report.foreign_keys,
                "counts": report.counts,
                "schema_version": report.schema_version,
                "newest_backup_before": (
                    str(report.previous_backup.path) if report.previous_backup else None
                ),
                "backup_age_days": (
                    round(report.backup_age.total_seconds() / 86400, 2)
                    if report.backup_age is not None
                    else None
                ),
                "backups_stale": report.backups_stale,
            }
        )
    else:
        for line in report.lines():
            click.echo(line)
    if not report.ok or report.backups_stale:  # stale backups: automatic ones have stopped
        sys.exit(EXIT_PROBLEMS)


@cli.command(
    "info",
    help=N_("Where the database is, its schema version, counts and the newest backup."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def info_cmd(obj, as_json):
    db = obj.db
    backups = backup.list_backups(obj.db_path)
    data = {
        "path": str(Path(obj.db_path).expanduser().resolve()),
        "schema_version": schema_version(db),
        "customers": file_rows.count(db, "customers"),
        "visits": file_rows.count(db, "visits"),
        "coupons": file_rows.count(db, "coupons"),
        "owner_pin": auth.pin_is_set(db),
        "backups": len(backups),
        "newest_backup": str(backups[0].path) if backups else None,
    }
    if as_json:
        echo_json(data)
        return
    click.echo(_("Database: {path}").format(path=data["path"]))
    click.echo(_("Schema version: {v}").format(v=data["schema_version"]))
    click.echo(_("Customers: {customers}, visits: {visits}, coupons: {coupons}").format(**data))
    click.echo(
        _("Owner PIN: {state}").format(state=_("set") if data["owner_pin"] else _("not set"))
    )
    click.echo(
        _("Backups: {n} (newest: {path})").format(
            n=data["backups"], path=data["newest_backup"] or "-"
        )
    )


# --- settings -----------------------------------------------------------------------------------


@cli.group(
    "settings",
    invoke_without_command=True,
    help=N_("Shop settings: list them, or `settings set KEY VALUE` (owner)."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@click.option("--keys", "show_keys", is_flag=True, help=N_("Also list each setting's key."))
@click.pass_context
def settings_group(ctx, as_json, show_keys):
    if ctx.invoked_subcommand is not None:
        return

    obj = ctx.obj
    values = {k: v for k, v in settings.get_all(obj.db).items() if k != "owner_pin_hash"}
    if as_json:
        echo_json(values)
        return

    echo_fields(
        [
            (_(settings.SETTINGS[key].label), readable_setting(key, value, values))
            for key, value in values.items()
            if key not in INTERNAL_SETTINGS
        ]
    )
    if show_keys:
        click.echo("")
        echo_fields(
            [
                (_(settings.SETTINGS[k].label), f"{k}  ({settings.SETTINGS[k].describe()})")
                for k in values
                if k not in INTERNAL_SETTINGS
            ]
        )
    click.echo("")
    click.echo(_("Change one with `shopcrm settings set KEY VALUE` (`--keys` lists the keys)."))


# Bookkeeping a person never sets by hand; ``--json`` still has them.
INTERNAL_SETTINGS = {"owner_pin_offered", "setup_step", "demo"}


def readable_setting(key: str, value, values: dict) -> str:
    """A setting's value as a person reads it: 03-5722-0000, 105-0011, 65 %, 5:00, yes/no,
    the language's own name, "(not set)"."""
    if isinstance(value, bool):
        return pgettext("setting is on", "yes") if value else pgettext("setting is on", "no")
    if key == "language":
        return {"ja": "日本語", "en": "English"}.get(value, _("System language"))
    if value in ("", None):
        return _("(not set)")
    if key == "shop_phone":
        return format_phone(str(value))
    if key == "shop_postal_code":
        return format_postal_code(str(value))
    if key.endswith("_percent"):
        return f"{value:g} %"
    if key.endswith("_mm"):
        return f"{value:g} mm"
    if key.endswith("_hour"):
        return f"{value}:00"
    if key == "owner_lock_minutes":
        return ngettext("{n} minute", "{n} minutes", value).format(n=value)
    if key == "ltv_years":
        return ngettext("{n} year", "{n} years", value).format(n=value)
    return str(value)


@settings_group.command(
    "set",
    help=N_('Change one setting (owner only), e.g. `settings set shop_name "居酒屋 まるや"`.'),
    context_settings={"ignore_unknown_options": True},  # a negative VALUE: print_offset_y_mm -0.5
)
@click.argument("key")
@click.argument("value")
@pass_cli
def settings_set(obj, key, value):
    if key not in settings.SETTINGS or key == "owner_pin_hash":
        raise CliError(
            _(
                "Unknown setting {key}; `shopcrm settings` lists them (the PIN: `shopcrm pin set`)."
            ).format(key=key),
            EXIT_INVALID,
        )
    spec = settings.SETTINGS[key]
    if spec.owner_only:
        require_owner(obj)
    typed = spec.parse(value)  # the declaration's type, range and normaliser (SettingError)
    with storage_errors():
        settings.set(obj.db, key, typed)
    click.echo(f"{_(spec.label)}: {readable_setting(key, typed, {})}")


# --- owner PIN ----------------------------------------------------------------------------------


@cli.group("pin", help=N_("The owner PIN (owner-only actions ask for it once it is set)."))
def pin_group():
    pass


@pin_group.command(
    "set",
    help=N_("Set or change the owner PIN (changing it needs the current one)."),
)
@click.option("--new-pin", default=None, help=N_("The new PIN (else asked twice, hidden)."))
@pass_cli
def pin_set(obj, new_pin):
    require_owner(obj)
    if new_pin is None:
        if not sys.stdin.isatty():
            raise CliError(_("Give the new PIN with --new-pin."), EXIT_INVALID)
        new_pin = click.prompt(_("New owner PIN"), hide_input=True, confirmation_prompt=True)
    code = auth.set_pin(obj.db, new_pin)
    click.echo(_("The owner PIN is set. Owner-only actions now ask for it."))
    _echo_recovery_code(code)


def _echo_recovery_code(code: str) -> None:
    click.echo(
        _(
            "Recovery code: {code}\nWrite it down and keep it away from the counter: with it"
            " the owner can set a new PIN (shopcrm pin recover) if the PIN is forgotten."
        ).format(code=code)
    )


@pin_group.command(
    "recover",
    help=N_("Set a new owner PIN with the recovery code shown when the PIN was set."),
)
@click.option("--code", "code", required=True, help=N_("The recovery code (XXXX-XXXX-XXXX)."))
@click.option("--new-pin", default=None, help=N_("The new PIN (else asked twice, hidden)."))
@pass_cli
def pin_recover(obj, code, new_pin):
    if auth.wait_seconds(obj.db):
        raise CliError(auth.locked_reason(obj.db), EXIT_REFUSED)
    if new_pin is None:
        if not sys.stdin.isatty():
            raise CliError(_("Give the new PIN with --new-pin."), EXIT_INVALID)
        new_pin = click.prompt(_("New owner PIN"), hide_input=True, confirmation_prompt=True)
    next_code = auth.recover(obj.db, code, new_pin)
    click.echo(_("The owner PIN is set. Owner-only actions now ask for it."))
    _echo_recovery_code(next_code)


@pin_group.command(
    "clear",
    help=N_("Remove the owner PIN (needs the current one): nothing asks for a PIN any more."),
)
@pass_cli
def pin_clear(obj):
    require_owner(obj)
    auth.clear_pin(obj.db)
    click.echo(_("The owner PIN was removed."))


# --- customers merge / erase / export -----------------------------------------------------------

customers_group = cli.commands["customers"]


@customers_group.command(
    "merge",
    help=N_(
        "Merge customer MERGE into KEEP (visits, coupons, preferences and mailings move over). "
        "Undo with `customers unmerge MERGE_ID`."
    ),
)
@click.argument("keep")
@click.argument("merge")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def merge_cmd(obj, keep, merge, as_json):
    require_owner(obj)
    keep_id, merge_id = _customer_id(obj, keep), _customer_id(obj, merge)
    with storage_errors():
        result = privacy.merge(obj.db, keep_id, merge_id)
    if as_json:
        echo_json(
            {
                "merge_id": result.merge_id,
                "kept": result.kept.id,
                "merged": result.merged_id,
                "moved": result.moved,
            }
        )
        return
    click.echo(
        _(
            "Merged customer #{merged} into #{kept} {name} (merge #{id}; undo with"
            " `shopcrm customers unmerge {id}`)."
        ).format(
            merged=result.merged_id, kept=result.kept.id, name=result.kept.name, id=result.merge_id
        )
    )
    click.echo(
        _(
            "Moved: {visits} visits, {coupons} coupons, {preferences} preferences,"
            " {mailings} mailings."
        ).format(**result.moved)
    )


@customers_group.command(
    "unmerge",
    help=N_("Undo merge MERGE_ID: the merged customer comes back with what moved."),
)
@click.argument("merge_id", type=int)
@pass_cli
def unmerge_cmd(obj, merge_id):
    require_owner(obj)
    with storage_errors():
        _kept, restored = privacy.unmerge(obj.db, merge_id)
    click.echo(
        _("Merge #{id} undone: customer #{restored} {name} is back.").format(
            id=merge_id, restored=restored.id, name=restored.name
        )
    )


@customers_group.command("merges", help=N_("List merges (to find the one to undo)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def merges_cmd(obj, as_json):
    rows = privacy.list_merges(obj.db)
    if as_json:
        echo_json(rows)
        return
    for m in rows:
        state = _("undone") if m["undone_at"] else ""
        click.echo(
            f"#{m['id']}  {m['merged_at']}  #{m['merged_id']} {m['merged_name'] or ''}"
            f" → #{m['kept_id']}  {state}"
        )
    if not rows:
        click.echo(_("No merges yet."))


@customers_group.command(
    "duplicates",
    help=N_("Customers who look like one person (same phone, email, or name and reading)."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def duplicates_cmd(obj, as_json):
    require_owner(obj)
    pairs = privacy.likely_duplicates(obj.db)
    if as_json:
        echo_json(
            [{"keep": p.keep.id, "other": p.other.id, "by": p.by, "value": p.value} for p in pairs]
        )
        return
    for p in pairs:
        click.echo(
            _(
                "#{a} {a_name} and #{b} {b_name}: same {by} ({value})"
                "  →  shopcrm customers merge {a} {b}"
            ).format(
                a=p.keep.id,
                a_name=p.keep.name,
                b=p.other.id,
                b_name=p.other.name,
                by=_(privacy.BY_LABELS.get(p.by, p.by)),
                value=p.value,
            )
        )
    if not pairs:
        click.echo(_("No likely duplicates."))


@customers_group.command(
    "erase",
    help=N_("Erase a customer's personal data on request (their visits stay, anonymous)."),
)
@click.argument("customer")
@click.option("--yes", is_flag=True, help=N_("Do not ask for confirmation."))
@pass_cli
def erase_cmd(obj, customer, yes):
    require_owner(obj)
    cid = _customer_id(obj, customer)
    c = store_customers.get(obj.db, cid)
    if not yes:
        if not sys.stdin.isatty():
            raise CliError(_("Add --yes to erase without being asked."), EXIT_REFUSED)
        if not click.confirm(
            _("Erase all personal data of #{id} {name}? This cannot be undone.").format(
                id=cid, name=c.name
            )
        ):
            raise CliError(_("Nothing was erased."), EXIT_REFUSED)
    with storage_errors():
        privacy.erase(obj.db, cid)
    click.echo(
        _("Customer #{id} was erased. Their visits stay, without personal data.").format(id=cid)
    )


@customers_group.command(
    "export",
    help=N_("Everything held about one customer (disclosure request), as JSON or Excel."),
)
@click.argument("customer")
@output_file(N_("FILE.json or FILE.xlsx"), dest="out")
@pass_cli
def export_customer_cmd(obj, customer, out):
    require_owner(obj)
    cid = _customer_id(obj, customer)
    with storage_errors():
        path = privacy.export_disclosure(obj.db, cid, out)
    click.echo(_("Wrote the complete record of customer #{id} to {path}").format(id=cid, path=path))


# --- addresses split again by the 0030 update ---------------------------------------------------


@cli.command(
    "address-changes",
    help=N_("Addresses the update split again by the Japan Post data (before and after)."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_cli
def address_changes_cmd(obj, as_json):
    require_owner(obj)
    rows = address.resplit_report(obj.db)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(_("No address needed to be split again."))
        return
    for r in rows:
        click.echo(f"#{r['customer_id']} {r['name']}: {r['before']}  →  {r['after']}")
