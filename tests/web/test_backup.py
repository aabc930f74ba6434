"""`flask backup` and `flask restore`: one archive holds the shop (database, photos, manifest),
taken while buyers place orders, and put back into a stopped shop that then opens with every
order committed before the snapshot and every photo. On SQLite and on PostgreSQL."""
import os
import shutil
import sqlite3
import tarfile
import time
from datetime import datetime, timezone

import pytest

from domain import golive, heartbeat
from domain.backup import migration_scripts, sqlite_path
from domain.extensions import db
from domain.models import Product
from tests.backup_helpers import (Buyers, drop_aside_schemas, orders_in_shop, photo_files,
                                  rewrite, shop_with_photos)


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    yield lambda *args, **kw: runner.invoke(args=list(args), **kw)
    drop_aside_schemas(app)


def backup(cli, app):
    result = cli("backup")
    assert result.exit_code == 0, result.output
    [name] = [n for n in os.listdir(app.config["BACKUP_FOLDER"]) if n.endswith(".tar.gz")]
    return os.path.join(app.config["BACKUP_FOLDER"], name), result.output


def rename_jar(app, title):
    with app.app_context():
        db.session.execute(db.update(Product).values(title=title))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def jar_titles(app):
    with app.app_context():
        titles = sorted(db.session.scalars(db.select(Product.title)))
        db.session.remove()
        db.engine.dispose()
    return titles


def test_a_backup_taken_while_orders_are_placed_restores_the_whole_shop(
        app, make, live_server, cli, client):
    """Buyers keep ordering during the backup; the restored shop has every order confirmed
    before the backup began, each whole, none confirmed after it ended, and every photo."""
    shop = shop_with_photos(app, make)
    product_photos, return_photos = photo_files(app)
    assert product_photos and return_photos
    with Buyers(live_server, shop) as buyers:
        buyers.wait_for(8)
        began = time.monotonic()
        archive, output = backup(cli, app)
        ended = time.monotonic()
        buyers.wait_for(len(buyers.confirmed) + 5)
    before = {number for seen, number in buyers.confirmed if seen < began}
    after = {number for seen, number in buyers.confirmed if seen > ended}
    assert len(before) >= 8 and after and not buyers.failures
    assert "MB" in output and "return photos" in output
    assert golive.newest_backup(app.config["BACKUP_FOLDER"])[0] == archive
    shutil.rmtree(app.config["UPLOAD_FOLDER"])
    shutil.rmtree(app.config["RETURN_PHOTO_FOLDER"])

    result = cli("restore", archive, input="yes\n")

    assert result.exit_code == 0, result.output
    assert "Restored." in result.output and "kept aside" in result.output
    restored = orders_in_shop(app)
    assert before <= set(restored) and not after & set(restored)
    assert all(lines >= 1 and payments >= 1 for lines, payments in restored.values())
    assert photo_files(app) == (product_photos, return_photos)
    assert client.get("/products/moon-jar").status_code == 200
    for path in product_photos:
        assert client.get("/media/" + path).status_code == 200


def test_the_archive_holds_the_snapshot_the_photos_and_a_manifest(app, make, cli):
    """One dated .tar.gz: the database, uploads/, return-photos/, conversation-photos/,
    review-photos/ and manifest.json with the shop's version and counts; the dashboard's
    checklist counts it as today's backup."""
    shop_with_photos(app, make)
    for setting in ("CONVERSATION_PHOTO_FOLDER", "REVIEW_PHOTO_FOLDER"):
        os.makedirs(app.config[setting], exist_ok=True)
        with open(os.path.join(app.config[setting], "0123abcd.webp"), "wb") as photo:
            photo.write(b"RIFF....WEBP")
    archive, output = backup(cli, app)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[-1] == "manifest.json"
    assert names[0] in ("database/shop.sqlite", "database/shop.pgdump")
    assert any(n.startswith("uploads/") for n in names)
    assert any(n.startswith("return-photos/") for n in names)
    assert "conversation-photos/0123abcd.webp" in names
    assert "review-photos/0123abcd.webp" in names
    assert os.path.basename(archive).startswith("shop-")
    assert os.stat(archive).st_mode & 0o777 == 0o600
    assert "2 products" in output
    assert "1 returns" in output and "1 return photos" in output
    assert "1 photos sent with questions, 1 review photos" in output
    found = golive.newest_backup(app.config["BACKUP_FOLDER"])
    assert found[0] == archive and datetime.now(timezone.utc) - found[1] < golive.BACKUP_MAX_AGE


def test_a_damaged_archive_is_refused_and_nothing_changes(app, make, cli, tmp_path):
    """A truncated archive is refused before anything is touched; the shop keeps its data."""
    shop_with_photos(app, make)
    archive, _ = backup(cli, app)
    rename_jar(app, "Changed after the backup")
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(open(archive, "rb").read()[:-2000])

    result = cli("restore", "--yes", str(damaged))

    assert result.exit_code == 1 and "damaged" in result.output
    assert "Nothing was changed" in result.output
    assert jar_titles(app) == ["Changed after the backup"] * 2
    assert not [n for n in os.listdir(tmp_path) if "before-restore" in n]


def test_an_archive_missing_a_photo_is_refused(app, make, cli, tmp_path):
    """A member the manifest lists but the archive lacks: damaged, refused."""
    shop_with_photos(app, make)
    archive, _ = backup(cli, app)
    with tarfile.open(archive) as tar:
        photo = next(n for n in tar.getnames() if n.startswith("uploads/"))
    result = cli("restore", "--yes", rewrite(archive, str(tmp_path / "x.tar.gz"), drop=photo))
    assert result.exit_code == 1 and "do not match the manifest" in result.output


def test_an_archive_from_a_newer_shop_is_refused(app, make, cli, tmp_path):
    """A backup whose migration this code does not know says to upgrade first."""
    make.product("Vase")
    archive, _ = backup(cli, app)
    newer = rewrite(archive, str(tmp_path / "newer.tar.gz"),
                    change_manifest=lambda m: m.update(shop_version="9999"))
    rename_jar(app, "Kept")
    result = cli("restore", "--yes", newer)
    assert result.exit_code == 1
    assert "newer version of the shop" in result.output and "make upgrade" in result.output
    assert jar_titles(app) == ["Kept"]


def test_a_restore_that_fails_its_check_puts_the_shop_back(app, make, cli, tmp_path):
    """The restored database must hold what the manifest counts; if not, the current
    database and photos are put back where they were."""
    make.product("Vase")
    archive, _ = backup(cli, app)
    rename_jar(app, "Current")
    wrong = rewrite(archive, str(tmp_path / "wrong.tar.gz"),
                    change_manifest=lambda m: m["counts"].update(products=7))
    result = cli("restore", "--yes", wrong)
    assert result.exit_code == 1 and "put back as it was" in result.output
    assert jar_titles(app) == ["Current"]
    assert not [n for n in os.listdir(os.path.dirname(app.config["UPLOAD_FOLDER"]))
                if "before-restore" in n]


def test_restore_asks_for_a_typed_yes(app, make, cli):
    """Anything but "yes" restores nothing."""
    make.product("Vase")
    archive, _ = backup(cli, app)
    rename_jar(app, "Current")
    result = cli("restore", archive, input="y\n")
    assert result.exit_code == 1 and "Type yes" in result.output
    assert jar_titles(app) == ["Current"]


def test_restore_refuses_while_the_worker_is_running(app, make, cli):
    """A worker heartbeat from a few seconds ago means the shop is running: refused."""
    make.product("Vase")
    archive, _ = backup(cli, app)
    with app.app_context():
        heartbeat.beat(datetime.now(timezone.utc))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    result = cli("restore", "--yes", archive)
    assert result.exit_code == 1 and "seems to be running" in result.output
    assert "the worker was seen" in result.output and "Nothing was changed" in result.output


def test_restore_refuses_while_the_database_is_open(app, make, cli):
    """Another program holding the database open (a server's connection) means running."""
    make.product("Vase")
    archive, _ = backup(cli, app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        server = sqlite3.connect(sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"]))
        server.execute("SELECT count(*) FROM product").fetchone()
        expected = "another program has the database file open"
    else:
        from sqlalchemy import create_engine
        server = create_engine(app.config["SQLALCHEMY_DATABASE_URI"]).connect()
        expected = "other session(s) are connected"
    try:
        result = cli("restore", "--yes", archive)
    finally:
        server.close()
    assert result.exit_code == 1 and expected in result.output
    assert jar_titles(app) == ["Vase"]


def test_keep_deletes_all_but_the_newest_archives(app, cli):
    """--keep 3 leaves the three newest shop-*.tar.gz (the new one among them) and any other
    file in the folder."""
    folder = app.config["BACKUP_FOLDER"]
    os.makedirs(folder)
    for day in range(1, 6):
        with open(os.path.join(folder, f"shop-202603{day:02d}-030000.tar.gz"), "w") as fh:
            fh.write("old")
    with open(os.path.join(folder, "before-upgrade.sqlite"), "w") as fh:
        fh.write("mine")
    result = cli("backup", "--keep", "3")
    assert result.exit_code == 0, result.output
    left = sorted(os.listdir(folder))
    assert left[:3] == ["before-upgrade.sqlite", "shop-20260304-030000.tar.gz",
                        "shop-20260305-030000.tar.gz"]
    assert len(left) == 4 and left[3].startswith("shop-") and left[3] != "shop-20260305-030000.tar.gz"
    assert "Deleted 3 older archive(s)" in result.output


@pytest.mark.sqlite_only
def test_a_backup_from_the_previous_release_is_restored_and_migrated(app, cli, tmp_path):
    """An archive of a shop at an older migration is put back and brought up to this code's
    version, keeping its products."""
    from flask_migrate import upgrade

    from domain import backup as backups
    from shop import create_app
    old_uri = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": old_uri,
                      "UPLOAD_FOLDER": str(tmp_path / "old-uploads"),
                      "STOREFRONT_VERSION_FILE": str(tmp_path / "old-version")})
    with old.app_context():
        upgrade(revision="0012")
        db.engine.dispose()
    with sqlite3.connect(tmp_path / "old.sqlite") as conn:
        conn.execute("INSERT INTO product (slug, title, summary, description_md, description_html,"
                     " description_text, specs, vendor, product_type, tags, option1_name,"
                     " option2_name, status, featured, featured_position, sales_count, price_min,"
                     " price_max, stock_total, cover_alt, created_at, updated_at, translations,"
                     " search_title, search_body, search_grams) VALUES ('old-vase', 'Old vase',"
                     " '', '', '', '', '[]', '', '', '', '', '', 'active', 0, 0, 0, 1, 1, 1, '',"
                     " '2026-01-01', '2026-01-01', '{}', '', '', '')")
    made = backups.create(old_uri, {"UPLOAD_FOLDER": str(tmp_path / "old-uploads"),
                                    "RETURN_PHOTO_FOLDER": str(tmp_path / "old-returns"),
                                    "CONVERSATION_PHOTO_FOLDER": None},
                          str(tmp_path / "old-backups") + os.sep)
    assert made.manifest["shop_version"] == "0012"

    result = cli("restore", "--yes", made.path)

    assert result.exit_code == 0, result.output
    assert "Migrating the restored database from 0012" in result.output
    assert jar_titles(app) == ["Old vase"]
    with app.app_context():
        version = db.session.scalar(db.text("SELECT version_num FROM alembic_version"))
        db.session.remove()
        db.engine.dispose()
    assert version == migration_scripts(app.extensions["migrate"].directory).get_current_head()
