"""The merchant's commands: create-merchant, backup and import-products, run as the merchant
runs them (`flask --app shop ...`) and checked by what the merchant then sees."""
import csv
import os
import sqlite3

import pytest
from PIL import Image

from domain.backup import sqlite_path
from domain.extensions import db
from domain.models import Product, User
from shop import create_app


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=list(args), **kw)


def live_database(app):
    """The path of the shop's SQLite file."""
    return sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])


def test_create_merchant_from_prompts_can_sign_in_to_the_back_office(cli, client, login):
    """Email and password typed at the prompts make a merchant who lands in /admin."""
    result = cli("create-merchant", input="Owner@Example.com\nlong enough pw\nlong enough pw\n")
    assert result.exit_code == 0, result.output
    assert "Merchant Owner@Example.com created" in result.output
    response = login({"email": "owner@example.com", "password": "long enough pw"})
    assert response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200


def test_create_merchant_refuses_a_short_password(cli, ctx):
    """A 5-character password is refused with the rule; no account is made."""
    result = cli("create-merchant", input="owner@example.com\nshort\nshort\n")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_create_merchant_refuses_a_taken_email(cli, make):
    """An email that already has an account is refused, not overwritten."""
    make.user("owner@example.com")
    result = cli("create-merchant", "--email", "owner@example.com", "--password", "long enough pw")
    assert result.exit_code == 1 and "already exists" in result.output


@pytest.mark.sqlite_only
def test_backup_while_the_shop_is_writing_is_complete_and_consistent(app, cli, make, tmp_path):
    """Mid-write by another connection, the copy is valid with committed data only."""
    live = live_database(app)
    for n in range(3):
        make.product(f"Bowl {n}")
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE product SET title = 'Half-written'")
    try:
        target = tmp_path / "backups" / "shop.sqlite"
        result = cli("backup", str(target))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 0, result.output
    assert "3 products" in result.output and "MB" in result.output
    assert not os.path.exists(str(target) + ".tmp")
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        titles = sorted(r[0] for r in copy.execute("SELECT title FROM product"))
    assert titles == ["Bowl 0", "Bowl 1", "Bowl 2"]


@pytest.mark.sqlite_only
def test_backup_into_a_folder_names_the_file_by_date(app, cli, tmp_path):
    """`flask backup backups/` puts a dated shop-*.sqlite file in the folder."""
    folder = tmp_path / "backups"
    folder.mkdir()
    result = cli("backup", str(folder))
    assert result.exit_code == 0, result.output
    [name] = os.listdir(folder)
    assert name.startswith("shop-") and name.endswith(".sqlite") and "0 products" in result.output


@pytest.mark.sqlite_only
def test_backup_never_overwrites_the_live_database(app, cli, make):
    """Pointing the backup at the database itself is refused and the shop keeps its data."""
    live = live_database(app)
    make.product("Still here")
    result = cli("backup", live)
    assert result.exit_code == 1 and "live database" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(Product.title)) == "Still here"


def test_backup_of_a_postgresql_shop_points_to_pg_dump(tmp_path):
    """On PostgreSQL the command explains itself and suggests pg_dump; it writes nothing."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://shop@localhost/shop"})
    target = tmp_path / "copy.sqlite"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "pg_dump" in result.output and "not SQLite" in result.output
    assert not target.exists()


SHOPIFY = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Option1 Name",
           "Option1 Value", "Variant SKU", "Variant Inventory Qty", "Variant Price",
           "Variant Compare At Price", "Image Src", "Image Alt Text", "Status"]


def shopify_csv(folder, mug_white_price="42000.00"):
    Image.new("RGB", (600, 600), (30, 60, 120)).save(os.path.join(folder, "mug.png"))
    rows = [
        ["moon-mug", "Moon Mug", "<p>Thrown by hand.</p>", "Moonjar", "Mugs", "mug", "Glaze",
         "Blue", "MOON-BLUE", "12", "39000.00", "", "mug.png", "Blue mug", "active"],
        ["moon-mug", "", "", "", "", "", "", "White", "MOON-WHITE", "3", mug_white_price, "",
         "", "", ""],
        ["rice-bowl", "Rice Bowl", "", "Moonjar", "Bowls", "", "Title", "Default Title",
         "BOWL-1", "5", "22000", "", "", "", "active"],
    ]
    path = os.path.join(folder, "export.csv")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([SHOPIFY] + rows)
    return path


def test_import_reports_the_bad_line_and_fails_then_succeeds_once_fixed(cli, client, make, tmp_path):
    """Line 3's bad price fails the run; fixed, the mug arrives and the bowl is updated once."""
    make.settings(currency="KRW")
    result = cli("import-products", shopify_csv(tmp_path, mug_white_price="42.000,00"))
    assert result.exit_code == 1
    assert "Created 1, updated 0, skipped 1 products" in result.output
    assert "line 3:" in result.output and "42.000,00" in result.output
    assert client.get("/products/moon-mug").status_code == 404
    assert client.get("/products/rice-bowl").status_code == 200

    result = cli("import-products", shopify_csv(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Created 1, updated 1, skipped 0 products" in result.output
    page = client.get("/products/moon-mug").get_data(as_text=True)
    assert "Moon Mug" in page and "₩39,000" in page and "White" in page and "Thrown by hand." in page
    assert 'alt="Blue mug"' in page
    search = client.get("/search?q=bowl").get_data(as_text=True)
    assert search.count('href="/products/rice-bowl"') == 1


def test_import_refuses_a_file_that_is_not_a_shopify_export(cli, tmp_path):
    """A CSV without the Shopify columns stops with one clear sentence."""
    path = tmp_path / "other.csv"
    path.write_text("name,price\nMug,1000\n")
    result = cli("import-products", str(path))
    assert result.exit_code == 1 and "Shopify product export" in result.output


def test_import_with_the_inventory_file_sets_stock_by_handle_and_options(cli, client, make,
                                                                        tmp_path):
    """`--inventory`: the stock of each variant, found by handle and option; a row naming a
    product the shop does not have fails the run with its line."""
    make.settings(currency="KRW")
    inventory = tmp_path / "inventory_export.csv"
    inventory.write_text(
        "Handle,Title,Option1 Name,Option1 Value,SKU,Location,Available (not editable)\n"
        "moon-mug,Moon Mug,Glaze,White,MOON-WHITE,Shop,7\n"
        "rice-bowl,Rice Bowl,Title,Default Title,BOWL-1,Shop,40\n"
        "tea-cup,Tea Cup,Title,Default Title,CUP-1,Shop,2\n")
    result = cli("import-products", shopify_csv(tmp_path), "--inventory", str(inventory))
    assert result.exit_code == 1
    assert "Stock set for 2 variants from inventory_export.csv." in result.output
    assert ("inventory line 4: no product has the handle tea-cup; its stock was not set"
            in result.output)
    page = client.get("/products/rice-bowl").get_data(as_text=True)
    assert "In stock" in page
    with client.application.app_context():
        mug = db.session.scalar(db.select(Product).where(Product.slug == "moon-mug"))
        assert [(v.option1, v.stock) for v in mug.variants] == [("Blue", 12), ("White", 7)]
