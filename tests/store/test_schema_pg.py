"""The PostgreSQL schema (store/schema_pg.py plus later migrations) against SQLite's: the same
tables, columns, NOT NULL, unique indexes, foreign keys, checks, named indexes and triggers, so the
two cannot drift apart. A new migration that changes one engine only fails here."""

from __future__ import annotations

import pytest

from shopcrm.store.migrations import pending, schema_version

pytestmark = pytest.mark.postgres

# SQLite's FTS5 trigram table and its shadow tables: PostgreSQL has a pg_trgm index instead
SQLITE_ONLY_TABLES = {
    "customers_fts",
    "customers_fts_data",
    "customers_fts_idx",
    "customers_fts_docsize",
    "customers_fts_config",
}
SQLITE_ONLY_TRIGGERS = {"customers_fts_ai", "customers_fts_ad", "customers_fts_au"}
PG_ONLY_INDEXES = {"customers_search_trgm"}
ON_DELETE = {"a": "NO ACTION", "c": "CASCADE", "n": "SET NULL", "r": "RESTRICT", "d": "SET DEFAULT"}


def _sqlite_schema(db) -> dict:
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        if name not in SQLITE_ONLY_TABLES
    ]
    columns, unique, fks, checks = {}, set(), set(), {}
    for t in tables:
        info = db.execute(f"PRAGMA table_xinfo({t})").fetchall()
        # (name, not null); a primary key is never NULL in practice on either engine
        columns[t] = {(r[1], bool(r[3] or r[5])) for r in info}
        for idx in db.execute(f"PRAGMA index_list({t})").fetchall():
            if idx[2]:
                cols = tuple(r[2] for r in db.execute(f"PRAGMA index_info({idx[1]})"))
                unique.add((t, cols))
        pks = tuple(r[1] for r in sorted(info, key=lambda r: r[5]) if r[5])
        if pks:
            unique.add((t, pks))
        for fk in db.execute(f"PRAGMA foreign_key_list({t})").fetchall():
            fks.add((t, fk[3], fk[2], fk[4], fk[6]))
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [t]).fetchone()[0]
        checks[t] = sql.upper().count("CHECK (")
    indexes = {
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    }
    triggers = {
        name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    } - SQLITE_ONLY_TRIGGERS
    return {
        "tables": set(tables),
        "columns": columns,
        "unique": unique,
        "fks": fks,
        "checks": checks,
        "indexes": indexes,
        "triggers": triggers,
    }


def _pg_schema(db) -> dict:
    tables = {
        r[0]
        for r in db.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
    }
    columns = {t: set() for t in tables}
    for t, name, nullable in db.execute(
        "SELECT table_name, column_name, is_nullable FROM information_schema.columns"
        " WHERE table_schema = 'public'"
    ):
        if t in columns:
            columns[t].add((name, nullable == "NO"))
    unique = set()
    for t, cols in db.execute(
        """SELECT c.relname, array_agg(a.attname ORDER BY k.n)
           FROM pg_index i
           JOIN pg_class c ON c.oid = i.indrelid
           JOIN pg_namespace s ON s.oid = c.relnamespace AND s.nspname = 'public'
           CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
           WHERE i.indisunique GROUP BY i.indexrelid, c.relname"""
    ):
        unique.add((t, tuple(cols)))
    fks = set()
    for t, col, ref, refcol, on_delete in db.execute(
        """SELECT c.relname, a.attname, r.relname, ra.attname, k.confdeltype
           FROM pg_constraint k
           JOIN pg_class c ON c.oid = k.conrelid
           JOIN pg_class r ON r.oid = k.confrelid
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]
           JOIN pg_attribute ra ON ra.attrelid = r.oid AND ra.attnum = k.confkey[1]
           WHERE k.contype = 'f'"""
    ):
        fks.add((t, col, ref, refcol, ON_DELETE[on_delete]))
    checks = {t: 0 for t in tables}
    for t, n in db.execute(
        """SELECT c.relname, count(*) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
           WHERE k.contype = 'c' GROUP BY c.relname"""
    ):
        checks[t] = n
    indexes = {
        r[0] for r in db.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
    }
    triggers = {r[0] for r in db.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    return {
        "tables": tables,
        "columns": columns,
        "unique": unique,
        "fks": fks,
        "checks": checks,
        "indexes": indexes,
        "triggers": triggers,
    }


@pytest.fixture
def schemas(db, pg_db):
    return _sqlite_schema(db), _pg_schema(pg_db)


def test_the_same_tables_and_columns(schemas):
    lite, pg = schemas
    assert lite["tables"] == pg["tables"]
    for table in lite["tables"]:
        assert lite["columns"][table] == pg["columns"][table], table


def test_the_same_unique_indexes_foreign_keys_and_checks(schemas):
    lite, pg = schemas
    assert lite["unique"] == pg["unique"]
    assert lite["fks"] == pg["fks"]
    assert lite["checks"] == pg["checks"]


def test_every_named_index_and_trigger_is_on_both(schemas):
    lite, pg = schemas
    assert lite["indexes"] <= pg["indexes"]
    assert pg["indexes"] >= PG_ONLY_INDEXES
    assert {"coupons_single_use", "visits_stats_ai", "visits_stats_ad", "visits_stats_au"} <= (
        lite["triggers"] & pg["triggers"]
    )
    assert lite["triggers"] == pg["triggers"]


def test_recorded_as_every_migration_applied(db, pg_db):
    assert pending(pg_db) == []
    assert schema_version(pg_db) == schema_version(db)
    lite = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    pg = [r[0] for r in pg_db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert lite == pg


def test_the_same_first_rows(db, pg_db):
    for sql in (
        "SELECT name, sort_order, active FROM channels ORDER BY id",
        "SELECT name, kind, discount_type, discount_value, valid_days, template FROM campaigns"
        " ORDER BY id",
    ):
        assert db.execute(sql).fetchall() == [tuple(r) for r in pg_db.execute(sql).fetchall()]


def test_pg_trgm_indexes_kana_and_kanji(pg_db):
    ctype = pg_db.execute("SELECT current_setting('lc_ctype')").fetchone()[0]
    assert "UTF-8" in ctype.upper() or "UTF8" in ctype.upper()
    trigrams = pg_db.execute("SELECT show_trgm('やまだ太郎')").fetchone()[0]
    assert len(trigrams) >= 3
