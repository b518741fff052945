"""Migrations: named, in order, visible as a schema version, and the file is copied first."""

from __future__ import annotations

from shopcrm.store import campaign_records, open_db
from shopcrm.store.migrations import BUILTIN_TEMPLATES, migrations, pending, schema_version


def test_a_new_database_has_every_migration(db):
    assert pending(db) == []
    assert schema_version(db) == migrations.applied(db)[-1].name
    names = [m.name for m in migrations.applied(db)]
    assert names == sorted(names)  # applied in the order of their numbers


def test_built_in_templates_are_full_letters_and_render(db):
    from shopcrm.domain.models import Customer
    from shopcrm.services.campaigns import render_message

    guest = Customer(name="山田 太郎", kana="ヤマダ タロウ")
    for name in BUILTIN_TEMPLATES:
        campaign = campaign_records.get(db, name)
        assert campaign.template == BUILTIN_TEMPLATES[name]
        text = render_message(
            campaign.template, guest, None, "居酒屋 まるや", favourite="獺祭", campaign=campaign
        )
        assert "山田 太郎様" in text and "獺祭" in text and "{" not in text


def test_a_shops_own_wording_is_kept_and_the_file_copied_before(db_path):
    db = open_db(db_path, migrate=False)
    migrations.apply(db, stop_before="0005_builtin_templates")
    db.execute("UPDATE campaigns SET template = 'うちの文面 {name}様' WHERE name = 'welcome'")
    db.conn.commit()
    db.close()

    db = open_db(db_path)  # applies 0005, after a backup copy of the file
    assert campaign_records.get(db, "welcome").template == "うちの文面 {name}様"
    assert campaign_records.get(db, "birthday").template == BUILTIN_TEMPLATES["birthday"]
    copies = list((db_path.parent / "backups").glob("*.db"))
    assert copies, "the file is copied before a migration"
    db.close()
