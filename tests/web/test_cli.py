"""The merchant's commands: create-merchant and import-products, run as the merchant
runs them (`flask --app shop ...`) and checked by what the merchant then sees."""
import csv
import os

import pytest
from PIL import Image

from domain.extensions import db
from domain.models import Product, User


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=list(args), **kw)


def test_create_merchant_from_prompts_can_sign_in_to_the_back_office(cli, client, login):
    """Email and password typed at the prompts make the shop's owner, who lands in /admin and
    may open the owner's pages (staff)."""
    result = cli("create-merchant", input="Owner@Example.com\nlong enough pw\nlong enough pw\n")
    assert result.exit_code == 0, result.output
    assert "Merchant Owner@Example.com created" in result.output
    response = login({"email": "owner@example.com", "password": "long enough pw"})
    assert response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/staff").status_code == 200


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
