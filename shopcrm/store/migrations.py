"""The schema, as ordered, named migrations (sqlite-utils ``Migrations``).

Each migration runs in one transaction with the record of it being applied. ``opener.migrate``
applies them, copying an existing database first (this module imports neither the opener nor the
backups, so both can import it). ``schema_version()`` is what the user
sees (About dialog, ``shopcrm info``). Add new migrations at the end; never edit an applied one.

On PostgreSQL (``store/migrate_pg.py``) the baseline in ``schema_pg.py`` stands for every
migration up to ``schema_pg.BASELINE``; the ones after it run on both engines.

Long module: the whole ordered history of the schema is kept in this one place, by design.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from shopcrm.domain.models import DEFAULT_CHANNELS
from shopcrm.domain.readings import guess_reading
from shopcrm.store import dialect
from shopcrm.store.address import resplit
from shopcrm.store.business_day import date_sql, hour_sql, refresh_visit_days

MIGRATION_SET = "shopcrm"
migrations = Migrations(MIGRATION_SET)


def _run(db: Database, statements: list[str]) -> None:
    # Statements one by one: executescript() would commit the migration's transaction.
    for sql in statements:
        db.execute(sql)


def _business_day_stats_triggers() -> list[str]:
    """The visit-figure triggers again, counting visit days by business day (cut-off setting)."""
    day = date_sql("visited_at", hour_sql())
    refresh = f"""UPDATE customers SET
        visit_count = (SELECT count(*) FROM visits WHERE customer_id = {{c}}),
        visit_days = (SELECT count(DISTINCT {day}) FROM visits WHERE customer_id = {{c}}),
        total_spent = (SELECT coalesce(sum(amount), 0) FROM visits WHERE customer_id = {{c}}),
        first_visit_at = (SELECT min(visited_at) FROM visits WHERE customer_id = {{c}}),
        last_visit_at = (SELECT max(visited_at) FROM visits WHERE customer_id = {{c}})
        WHERE id = {{c}};"""
    return [
        f"""CREATE TRIGGER visits_stats_ai AFTER INSERT ON visits
        WHEN NEW.customer_id IS NOT NULL BEGIN {refresh.format(c="NEW.customer_id")} END""",
        f"""CREATE TRIGGER visits_stats_ad AFTER DELETE ON visits
        WHEN OLD.customer_id IS NOT NULL BEGIN {refresh.format(c="OLD.customer_id")} END""",
        f"""CREATE TRIGGER visits_stats_au AFTER UPDATE OF customer_id, visited_at, amount ON visits
        BEGIN {refresh.format(c="OLD.customer_id")} {refresh.format(c="NEW.customer_id")} END""",
    ]


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    _run(
        db,
        [
            """CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL  -- JSON
            )""",
            """CREATE TABLE channels (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                active INTEGER NOT NULL DEFAULT 1,
                sort_order INTEGER NOT NULL DEFAULT 0
            )""",
            """CREATE TABLE channel_costs (
                id INTEGER PRIMARY KEY,
                channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
                month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
                amount INTEGER NOT NULL CHECK (amount >= 0),
                UNIQUE (channel_id, month)
            )""",
            """CREATE TABLE customers (
                id INTEGER PRIMARY KEY,
                code TEXT UNIQUE,
                name TEXT NOT NULL,
                kana TEXT NOT NULL DEFAULT '',
                phone TEXT NOT NULL DEFAULT '',
                email TEXT NOT NULL DEFAULT '',
                line_id TEXT NOT NULL DEFAULT '',
                postal_code TEXT NOT NULL DEFAULT '',
                prefecture TEXT NOT NULL DEFAULT '',
                city TEXT NOT NULL DEFAULT '',
                street TEXT NOT NULL DEFAULT '',
                building TEXT NOT NULL DEFAULT '',
                birth_year INTEGER,
                birth_month INTEGER CHECK (birth_month BETWEEN 1 AND 12),
                birth_day INTEGER CHECK (birth_day BETWEEN 1 AND 31),
                channel_id INTEGER REFERENCES channels(id) ON DELETE SET NULL,
                tags TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
                notes TEXT NOT NULL DEFAULT '',
                dm_consent INTEGER NOT NULL DEFAULT 0,
                dm_consent_at TEXT,
                dm_consent_channel TEXT NOT NULL DEFAULT '',
                do_not_mail INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                erased_at TEXT,
                search_text TEXT NOT NULL DEFAULT '',  -- normalised text the search box matches
                -- visit figures, kept by the triggers on visits below
                visit_count INTEGER NOT NULL DEFAULT 0,
                visit_days INTEGER NOT NULL DEFAULT 0,
                total_spent INTEGER NOT NULL DEFAULT 0,
                first_visit_at TEXT,
                last_visit_at TEXT
            )""",
            "CREATE INDEX customers_phone ON customers(phone)",
            "CREATE INDEX customers_email ON customers(email)",
            "CREATE INDEX customers_kana ON customers(kana)",
            "CREATE INDEX customers_birthday ON customers(birth_month, birth_day)",
            "CREATE INDEX customers_last_visit ON customers(last_visit_at)",
            "CREATE INDEX customers_channel ON customers(channel_id)",
            # Trigram full-text index over customers.search_text (external content).
            """CREATE VIRTUAL TABLE customers_fts USING fts5(
                search_text, content='customers', content_rowid='id', tokenize='trigram'
            )""",
            """CREATE TRIGGER customers_fts_ai AFTER INSERT ON customers BEGIN
                INSERT INTO customers_fts(rowid, search_text) VALUES (NEW.id, NEW.search_text);
            END""",
            """CREATE TRIGGER customers_fts_ad AFTER DELETE ON customers BEGIN
                INSERT INTO customers_fts(customers_fts, rowid, search_text)
                VALUES ('delete', OLD.id, OLD.search_text);
            END""",
            """CREATE TRIGGER customers_fts_au AFTER UPDATE OF search_text ON customers BEGIN
                INSERT INTO customers_fts(customers_fts, rowid, search_text)
                VALUES ('delete', OLD.id, OLD.search_text);
                INSERT INTO customers_fts(rowid, search_text) VALUES (NEW.id, NEW.search_text);
            END""",
            """CREATE TABLE menu_categories (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL DEFAULT 'food' CHECK (kind IN ('drink', 'food', 'other')),
                sort_order INTEGER NOT NULL DEFAULT 0
            )""",
            """CREATE TABLE menu_items (
                id INTEGER PRIMARY KEY,
                category_id INTEGER REFERENCES menu_categories(id) ON DELETE SET NULL,
                name TEXT NOT NULL,
                price INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
                active INTEGER NOT NULL DEFAULT 1,
                sort_order INTEGER NOT NULL DEFAULT 0
            )""",
            "CREATE INDEX menu_items_category ON menu_items(category_id)",
            """CREATE TABLE preferences (
                id INTEGER PRIMARY KEY,
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('drink', 'food', 'seat', 'other')),
                level TEXT NOT NULL CHECK (level IN ('love', 'like', 'dislike', 'allergy')),
                label TEXT NOT NULL,
                menu_item_id INTEGER REFERENCES menu_items(id) ON DELETE SET NULL,
                note TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX preferences_customer ON preferences(customer_id)",
            """CREATE TABLE visits (
                id INTEGER PRIMARY KEY,
                customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
                visited_at TEXT NOT NULL,  -- local time 'YYYY-MM-DD HH:MM:SS'
                visit_date TEXT GENERATED ALWAYS AS (substr(visited_at, 1, 10)) STORED,
                party_size INTEGER NOT NULL DEFAULT 1 CHECK (party_size BETWEEN 1 AND 99),
                amount INTEGER NOT NULL CHECK (amount >= 0),
                staff TEXT NOT NULL DEFAULT '',
                note TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX visits_customer ON visits(customer_id, visited_at, amount)",
            "CREATE INDEX visits_visited_at ON visits(visited_at)",
            """CREATE TABLE visit_items (
                id INTEGER PRIMARY KEY,
                visit_id INTEGER NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
                menu_item_id INTEGER REFERENCES menu_items(id) ON DELETE SET NULL,
                name TEXT NOT NULL,
                quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity >= 1),
                price INTEGER CHECK (price >= 0)
            )""",
            "CREATE INDEX visit_items_visit ON visit_items(visit_id)",
            "CREATE INDEX visit_items_menu_item ON visit_items(menu_item_id)",
            """CREATE TABLE campaigns (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL CHECK (kind IN ('birthday', 'welcome', 'winback', 'custom')),
                discount_type TEXT NOT NULL DEFAULT 'percent'
                    CHECK (discount_type IN ('percent', 'amount', 'item')),
                discount_value INTEGER NOT NULL DEFAULT 0 CHECK (discount_value >= 0),
                discount_item TEXT NOT NULL DEFAULT '',
                valid_days INTEGER CHECK (valid_days IS NULL OR valid_days > 0),
                valid_from TEXT,
                valid_until TEXT,
                template TEXT NOT NULL DEFAULT '',
                cost_per_piece INTEGER NOT NULL DEFAULT 0 CHECK (cost_per_piece >= 0),
                winback_days INTEGER NOT NULL DEFAULT 90,
                filter TEXT NOT NULL DEFAULT '{}',  -- JSON
                active INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL
            )""",
            """CREATE TABLE coupons (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE,
                campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                period_key TEXT NOT NULL DEFAULT '',
                issued_at TEXT NOT NULL,
                valid_from TEXT NOT NULL,
                valid_until TEXT NOT NULL,
                redeemed_at TEXT,
                redeemed_visit_id INTEGER UNIQUE REFERENCES visits(id),
                voided_at TEXT,
                void_reason TEXT NOT NULL DEFAULT '',
                UNIQUE (campaign_id, customer_id, period_key)
            )""",
            "CREATE INDEX coupons_customer ON coupons(customer_id)",
            # Single use, enforced by the database: a redeemed coupon cannot be redeemed again.
            """CREATE TRIGGER coupons_single_use BEFORE UPDATE OF redeemed_visit_id ON coupons
            WHEN OLD.redeemed_visit_id IS NOT NULL AND NEW.redeemed_visit_id IS NOT NULL
                 AND NEW.redeemed_visit_id IS NOT OLD.redeemed_visit_id
            BEGIN
                SELECT RAISE(ABORT, 'coupon already redeemed');
            END""",
            """CREATE TABLE mailings (
                id INTEGER PRIMARY KEY,
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
                coupon_id INTEGER REFERENCES coupons(id) ON DELETE SET NULL,
                piece TEXT NOT NULL,
                batch TEXT NOT NULL DEFAULT '',
                sent_at TEXT NOT NULL
            )""",
            "CREATE INDEX mailings_customer ON mailings(customer_id, sent_at)",
            *_visit_stats_triggers(),
        ],
    )
    _seed_0001(db)


def _seed_0001(db: Database) -> None:
    """The first migration's rows: the default channels and the built-in campaigns."""
    now = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")

    for order, name in enumerate(DEFAULT_CHANNELS):
        db.execute(
            "INSERT INTO channels(name, sort_order) VALUES (?, ?)",
            [name, order],
        )
    for name, kind, valid_days, value, template in (
        ("birthday", "birthday", 60, 10, "{name}様\nお誕生日おめでとうございます。"),
        ("welcome", "welcome", 30, 10, "{name}様\n先日はご来店ありがとうございました。"),
        (
            "winback",
            "winback",
            30,
            500,
            "{name}様\nお久しぶりです。またのお越しをお待ちしております。",
        ),
    ):
        db.execute(
            "INSERT INTO campaigns(name, kind, discount_type, discount_value, valid_days, template,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                name,
                kind,
                "amount" if kind == "winback" else "percent",
                value,
                valid_days,
                template,
                now,
            ],
        )


def _visit_stats_triggers() -> list[str]:
    """Keep customers.visit_count / visit_days / total_spent / first and last visit true."""
    refresh = """UPDATE customers SET
        visit_count = (SELECT count(*) FROM visits WHERE customer_id = {c}),
        visit_days = (SELECT count(DISTINCT visit_date) FROM visits WHERE customer_id = {c}),
        total_spent = (SELECT coalesce(sum(amount), 0) FROM visits WHERE customer_id = {c}),
        first_visit_at = (SELECT min(visited_at) FROM visits WHERE customer_id = {c}),
        last_visit_at = (SELECT max(visited_at) FROM visits WHERE customer_id = {c})
        WHERE id = {c};"""
    return [
        f"""CREATE TRIGGER visits_stats_ai AFTER INSERT ON visits
        WHEN NEW.customer_id IS NOT NULL BEGIN {refresh.format(c="NEW.customer_id")} END""",
        f"""CREATE TRIGGER visits_stats_ad AFTER DELETE ON visits
        WHEN OLD.customer_id IS NOT NULL BEGIN {refresh.format(c="OLD.customer_id")} END""",
        f"""CREATE TRIGGER visits_stats_au AFTER UPDATE OF customer_id, visited_at, amount ON visits
        BEGIN {refresh.format(c="OLD.customer_id")} {refresh.format(c="NEW.customer_id")} END""",
    ]


def pg_applied(db) -> list[str]:
    if not db.execute("SELECT to_regclass('_sqlite_migrations')").fetchone()[0]:
        return []
    rows = db.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id", [MIGRATION_SET]
    ).fetchall()
    return [r[0] for r in rows]


def schema_version(db: Database) -> str:
    """The name of the newest applied migration, e.g. ``0001_initial`` (shown to users)."""
    if dialect.is_pg(db):
        names = pg_applied(db)
        return names[-1] if names else "0"
    applied = migrations.applied(db)
    return applied[-1].name if applied else "0"


def pending(db: Database) -> list[str]:
    if dialect.is_pg(db):
        done = set(pg_applied(db))
        return [m.name for m in migrations._migrations if m.name not in done]
    return [m.name for m in migrations.pending(db)]


@migrations(name="0002_data_merges")
def m0002_data_merges(db: Database) -> None:
    """Merged customers, so a merge can be undone (the merged record is kept here as JSON)."""
    _run(
        db,
        [
            """CREATE TABLE customer_merges (
                id INTEGER PRIMARY KEY,
                kept_id INTEGER NOT NULL,
                merged_id INTEGER NOT NULL,
                merged_at TEXT NOT NULL,
                undone_at TEXT,
                snapshot TEXT NOT NULL  -- JSON: the merged row and what moved
            )""",
            "CREATE INDEX customer_merges_kept ON customer_merges(kept_id)",
        ],
    )


@migrations(name="0003_store_search_index")
def m0003_store_search_index(db: Database) -> None:
    """One- and two-character searches scan search_text: a covering index makes that scan read
    narrow index rows instead of whole customers (about twice as fast at 50,000 guests)."""
    db.execute("CREATE INDEX customers_search ON customers(search_text, erased_at, last_visit_at)")


@migrations(name="0004_store_kana_order")
def m0004_store_kana_order(db: Database) -> None:
    """The customer table sorted by reading (guests without one last) pages from an index
    instead of sorting 50,000 rows for every page."""
    db.execute("CREATE INDEX customers_kana_order ON customers(kana = '', kana, name, erased_at)")


# The built-in campaigns' first templates were one line; a postcard printed from them looked empty.
_FIRST_TEMPLATES = {
    "birthday": "{name}様\nお誕生日おめでとうございます。",
    "welcome": "{name}様\n先日はご来店ありがとうございました。",
    "winback": "{name}様\nお久しぶりです。またのお越しをお待ちしております。",
}
BUILTIN_TEMPLATES = {
    "birthday": (
        "{name}様\n\nお誕生日おめでとうございます。\n"
        "いつも{shop_name}をご利用いただき、誠にありがとうございます。"
        "ささやかですが、お誕生日のお祝いに{discount}のクーポンをお贈りします。"
        "{favourite}をご用意して、お越しを心よりお待ちしております。"
    ),
    "welcome": (
        "{name}様\n\n先日は{shop_name}にご来店いただき、ありがとうございました。\n"
        "次のご来店でお使いいただける{discount}のクーポンをお贈りします。"
        "{favourite}をご用意して、またのお越しをお待ちしております。"
    ),
    "winback": (
        "{name}様\n\nご無沙汰しております。{shop_name}です。\n"
        "{name}様にまたお会いできるのを楽しみに、{discount}のクーポンをご用意しました。"
        "{favourite}とともに、お越しをお待ちしております。"
    ),
}


@migrations(name="0005_builtin_templates")
def m0005_builtin_templates(db: Database) -> None:
    """Fuller DM texts for the built-in campaigns, using the guest's favourite and the discount.
    Only a template still exactly as first seeded is replaced: a shop's own wording stays."""
    for name, text in BUILTIN_TEMPLATES.items():
        db.execute(
            "UPDATE campaigns SET template = ? WHERE name = ? AND template = ?",
            [text, name, _FIRST_TEMPLATES[name]],
        )


@migrations(name="0006_customer_language")
def m0006_customer_language(db: Database) -> None:
    """The language of each guest's DMs ("ja", "en"; "" = the shop's language): a card is
    printed in its reader's language, not in the language of the screen it was printed from."""
    db.execute("ALTER TABLE customers ADD COLUMN language TEXT NOT NULL DEFAULT ''")


@migrations(name="0010_customer_honorific")
def m0010_customer_honorific(db: Database) -> None:
    """The owner's choice of honorific per guest ("" = 様 or 御中 decided from the name)."""
    db.execute("ALTER TABLE customers ADD COLUMN honorific TEXT NOT NULL DEFAULT ''")


@migrations(name="0018_business_day_visit_days")
def m0018_business_day_visit_days(db: Database) -> None:
    """Bills split across midnight (23:50 and 00:20) are one visit day: customers' visit-day
    counts follow the business-day cut-off (Settings, default 05:00), recounted once here."""
    for name in ("visits_stats_ai", "visits_stats_ad", "visits_stats_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    _run(db, _business_day_stats_triggers())

    refresh_visit_days(db)


@migrations(name="0019_campaign_holdout")
def m0019_campaign_holdout(db: Database) -> None:
    """A random control group per campaign, so its real effect can be measured: the share held
    back (no coupon) and the group size below which the report says "too small to tell", and
    who was held back for which period (like a coupon, without the coupon)."""
    _run(
        db,
        [
            """CREATE TABLE campaign_holdout (
                campaign_id INTEGER PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
                percent INTEGER NOT NULL DEFAULT 10 CHECK (percent BETWEEN 0 AND 50),
                min_group INTEGER NOT NULL DEFAULT 30 CHECK (min_group BETWEEN 5 AND 10000),
                include_birthday INTEGER NOT NULL DEFAULT 0  -- the owner's choice, off by default
            )""",
            """CREATE TABLE holdbacks (
                id INTEGER PRIMARY KEY,
                campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                period_key TEXT NOT NULL DEFAULT '',
                starts_on TEXT NOT NULL,  -- the first valid day the coupon would have had
                held_at TEXT NOT NULL,
                UNIQUE (campaign_id, customer_id, period_key)
            )""",
            "CREATE INDEX holdbacks_customer ON holdbacks(customer_id)",
        ],
    )


@migrations(name="0022_menu_item_reading")
def m0022_menu_item_reading(db: Database) -> None:
    """Menu items get a reading (katakana) that the item filter searches, so えだ finds 枝豆;
    existing items are filled from the domain's menu dictionary where it knows every kanji."""
    db.execute("ALTER TABLE menu_items ADD COLUMN reading TEXT NOT NULL DEFAULT ''")
    for item_id, name in db.execute("SELECT id, name FROM menu_items").fetchall():
        reading = guess_reading(name)
        if reading:
            db.execute("UPDATE menu_items SET reading = ? WHERE id = ?", [reading, item_id])


@migrations(name="0023_setup_done_for_existing_shops")
def m0023_setup_done_for_existing_shops(db: Database) -> None:
    """A shop that already has guests or visits is set up: the first-run wizard is for new
    databases only (it stays reachable from the settings)."""
    used = db.execute(
        "SELECT EXISTS (SELECT 1 FROM customers) OR EXISTS (SELECT 1 FROM visits)"
    ).fetchone()[0]
    if used:
        db.execute(
            "INSERT INTO settings(key, value) VALUES ('setup_done', 'true')"
            " ON CONFLICT(key) DO NOTHING"
        )


@migrations(name="0030_resplit_addresses")
def m0030_resplit_addresses(db: Database) -> None:
    """Addresses the CSV import split with its own pattern (三重県四日市市諏訪町1-5 stored as city
    四日市, street 市諏訪町1-5; 廿日市市 and 野々市市 the same) are split again from the Japan Post
    data. Only a stored city Japan Post does not know, where splitting again finds one it does,
    is changed; each change is kept in ``address_resplits`` (before and after) and logged."""
    db.execute(
        """CREATE TABLE address_resplits (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL,
            before TEXT NOT NULL,  -- JSON [prefecture, city, street]
            after TEXT NOT NULL,   -- JSON [prefecture, city, street]
            changed_at TEXT NOT NULL
        )"""
    )
    rows = db.execute(
        "SELECT id, prefecture, city, street FROM customers WHERE erased_at IS NULL AND city != ''"
    ).fetchall()
    now = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    log = logging.getLogger(__name__)
    for cid, prefecture, city, street in rows:
        fixed = resplit(prefecture, city, street)
        if fixed is None:
            continue
        db.execute(
            "UPDATE customers SET prefecture = ?, city = ?, street = ? WHERE id = ?",
            [*fixed, cid],
        )
        db.execute(
            "INSERT INTO address_resplits (customer_id, before, after, changed_at)"
            " VALUES (?, ?, ?, ?)",
            [
                cid,
                json.dumps([prefecture, city, street], ensure_ascii=False),
                json.dumps(list(fixed), ensure_ascii=False),
                now,
            ],
        )
        log.info("customer %s: address %s|%s|%s -> %s|%s|%s", cid, prefecture, city, street, *fixed)


@migrations(name="0031_import_fingerprints")
def m0031_import_fingerprints(db: Database) -> None:
    """Each file imported, by a fingerprint of its rows, so importing the same file again is
    refused instead of counting its visits twice."""
    _run(
        db,
        [
            """CREATE TABLE imports (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,           -- customers | visits
                fingerprint TEXT NOT NULL,    -- sha256 of the header and rows as read
                source TEXT NOT NULL DEFAULT '',  -- the file's name
                rows INTEGER NOT NULL,
                imported INTEGER NOT NULL,
                imported_at TEXT NOT NULL
            )""",
            "CREATE INDEX imports_fingerprint ON imports(kind, fingerprint)",
        ],
    )


@migrations(name="0038_owner_guard")
def m0038_owner_guard(db: Database) -> None:
    """The owner PIN's guard (see ``store/owner_guard.py``); a database that has a PIN now is
    marked as having had one."""
    _run(
        db,
        [
            """CREATE TABLE owner_guard (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )""",
            """INSERT INTO owner_guard(key, value)
               SELECT 'had_pin', '1' FROM settings
               WHERE key = 'owner_pin_hash' AND value NOT IN ('""', '')""",
        ],
    )


@migrations(name="0060_channel_consents")
def m0060_channel_consents(db: Database) -> None:
    """Consent per channel (see ``store/consents.py``). Post stays ``customers.dm_consent`` (its
    one home, which printing and everything before e-mail read); a trigger mirrors it into the
    ``post`` row, and today's consent, its date and how it was given are copied in now."""
    mirror = """INSERT INTO consents(customer_id, channel, consented, consented_at, how)
        VALUES (NEW.id, 'post', NEW.dm_consent, NEW.dm_consent_at, NEW.dm_consent_channel)
        ON CONFLICT(customer_id, channel) DO UPDATE SET consented = excluded.consented,
            consented_at = excluded.consented_at, how = excluded.how;"""
    _run(
        db,
        [
            """CREATE TABLE consents (
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                channel TEXT NOT NULL CHECK (channel IN ('post', 'email', 'line')),
                consented INTEGER NOT NULL DEFAULT 0,
                consented_at TEXT,
                how TEXT NOT NULL DEFAULT '',  -- paper form, in person, web form, ...
                unsubscribed_at TEXT,
                bounced_at TEXT,  -- e-mail: a permanent failure (bad address)
                bounce_reason TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (customer_id, channel)
            )""",
            """INSERT INTO consents(customer_id, channel, consented, consented_at, how)
               SELECT id, 'post', dm_consent, dm_consent_at, dm_consent_channel FROM customers
               WHERE dm_consent = 1 OR dm_consent_at IS NOT NULL OR dm_consent_channel != ''""",
            *dialect.row_trigger(
                dialect.of(db),
                "consents_post_ai",
                "AFTER INSERT",
                "customers",
                mirror,
                when="NEW.dm_consent = 1 OR NEW.dm_consent_at IS NOT NULL",
            ),
            *dialect.row_trigger(
                dialect.of(db),
                "consents_post_au",
                "AFTER UPDATE OF dm_consent, dm_consent_at, dm_consent_channel",
                "customers",
                mirror,
            ),
        ],
    )


@migrations(name="0061_email_ledger")
def m0061_email_ledger(db: Database) -> None:
    """The e-mail send ledger (``store/email_ledger.py``): one row per guest per campaign run,
    written before and after the message; its Message-ID is fixed when the row is made."""
    _run(
        db,
        [
            f"""CREATE TABLE email_sends (
                {dialect.id_column(dialect.of(db))},
                run_key TEXT NOT NULL,
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
                coupon_id INTEGER REFERENCES coupons(id) ON DELETE SET NULL,
                address TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'failed')),
                message_id TEXT NOT NULL UNIQUE,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                sent_at TEXT,
                UNIQUE (run_key, customer_id)
            )""",
            "CREATE INDEX email_sends_customer ON email_sends(customer_id)",
        ],
    )


@migrations(name="0062_mailing_channel")
def m0062_mailing_channel(db: Database) -> None:
    """Which channel a mailing went by: 'post' (every piece printed so far) or 'email'."""
    _run(db, ["ALTER TABLE mailings ADD COLUMN channel TEXT NOT NULL DEFAULT 'post'"])


@migrations(name="0065_line_links")
def m0065_line_links(db: Database) -> None:
    """A guest's LINE user ID (the Messaging API's ``U…`` id; ``customers.line_id`` stays the
    handle people type). One user ID per guest and one guest per user ID; ``followed`` 0 after an
    unfollow or a block: LINE messages stop (the follow is LINE's consent, store/line_links)."""
    _run(
        db,
        [
            f"""CREATE TABLE line_links (
                customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL UNIQUE
                    CHECK ({dialect.hex_id_check(dialect.of(db), "user_id", "U", 32)}),
                linked_at TEXT NOT NULL,
                how TEXT NOT NULL DEFAULT 'code',
                link_code TEXT NOT NULL DEFAULT '',
                followed INTEGER NOT NULL DEFAULT 1 CHECK (followed IN (0, 1)),
                followed_at TEXT,
                unfollowed_at TEXT
            )""",
        ],
    )


@migrations(name="0066_line_link_codes")
def m0066_line_link_codes(db: Database) -> None:
    """One-time link codes: issued for a guest, valid until ``expires_at``, used once."""
    _run(
        db,
        [
            """CREATE TABLE line_link_codes (
                code TEXT PRIMARY KEY,
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                issued_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                used_at TEXT,
                used_by TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX line_link_codes_customer ON line_link_codes(customer_id)",
        ],
    )


@migrations(name="0067_line_sends")
def m0067_line_sends(db: Database) -> None:
    """The LINE send ledger: a row per guest per run, written before the request goes out and
    after its answer. Rows sent in one request share its retry key (X-Line-Retry-Key), kept so a
    resend repeats the key and LINE refuses a double (409)."""
    _run(
        db,
        [
            f"""CREATE TABLE line_sends (
                {dialect.id_column(dialect.of(db))},
                run_key TEXT NOT NULL,
                customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
                coupon_id INTEGER REFERENCES coupons(id) ON DELETE SET NULL,
                user_id TEXT NOT NULL,
                text TEXT NOT NULL,
                retry_key TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                error TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                sent_at TEXT,
                mailing_id INTEGER REFERENCES mailings(id) ON DELETE SET NULL,
                UNIQUE (run_key, customer_id)
            )""",
            "CREATE INDEX line_sends_retry_key ON line_sends(retry_key)",
            "CREATE UNIQUE INDEX line_sends_coupon ON line_sends(coupon_id)"
            " WHERE coupon_id IS NOT NULL",
        ],
    )


@migrations(name="0068_line_relay_cursor")
def m0068_line_relay_cursor(db: Database) -> None:
    """How far the counter PC has pulled the relay's events (the relay's event number)."""
    _run(
        db,
        [
            """CREATE TABLE line_relay_cursor (
                relay TEXT PRIMARY KEY,
                last_event INTEGER NOT NULL DEFAULT 0,
                pulled_at TEXT NOT NULL
            )""",
        ],
    )
