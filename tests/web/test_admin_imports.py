"""Importing from the back office: the upload queues a job the worker runs, the page follows it
with a progress bar (htmx polling that stops when it ends, a reload without JavaScript), and the
report of what was left out downloads as CSV. Refusals leave nothing behind."""
import csv
import io
import os
import re

from domain.extensions import db
from domain.models import ImportJob, Product
from tests.import_helpers import MUG_BODY, bowl_rows, mug_rows, write_csv
from tests.page_helpers import text

HX = {"HX-Request": "true"}


def upload(post, files, **data):
    """Send the import form as a browser does; files: {field: (bytes, name)}."""
    fields = {name: (io.BytesIO(content), filename) for name, (content, filename) in files.items()}
    return post("/admin/imports", {**fields, **data}, token_from="/admin/imports",
                content_type="multipart/form-data")


def export_file(tmp_path, rows):
    with open(write_csv(tmp_path, rows), "rb") as fh:
        return fh.read(), "products_export.csv"


def run_worker(app):
    """One pass of `flask --app shop worker --once`, as cron or make run would."""
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def job_path(response):
    assert response.status_code == 303, text(response)[:500]
    assert re.fullmatch(r"/admin/imports/\d+", response.headers["Location"])
    return response.headers["Location"]


def test_an_upload_is_imported_by_the_worker_and_followed_to_the_end(app, client, post, merchant,
                                                                    tmp_path):
    """Queued with a polling progress block; the worker imports it; the block then shows the
    counts and the report, and polls no more."""
    rows = mug_rows(image="") + bowl_rows(price="oops")
    rows[0]["Body (HTML)"] = MUG_BODY + '<img src="https://cdn.example/side.jpg">'
    path = job_path(upload(post, {"products": export_file(tmp_path, rows)}))

    page = text(client.get(path))
    assert "Import of products_export.csv" in page and "Waiting for the worker" in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    polling = text(client.get(path, headers=HX))
    assert 'hx-trigger="every 1s"' in polling and "<html" not in polling

    assert f"import #{path.rsplit('/', 1)[1]} done" in run_worker(app)
    fragment = text(client.get(path, headers=HX))
    assert "hx-trigger" not in fragment and "<html" not in fragment
    assert re.search(r'<progress id="import-bar" max="2" value="2">', fragment)
    assert re.search(r"<dt>Products created</dt><dd>1</dd>\s*<dt>Products updated</dt><dd>0</dd>"
                     r"\s*<dt>Products skipped</dt><dd>1</dd>", fragment)
    assert "line 4" in fragment and "price &#39;oops&#39; is not a number" in fragment
    assert "https://cdn.example/side.jpg" in fragment and "moon-mug" in fragment
    assert "noscript" not in text(client.get(path))
    with app.app_context():
        assert db.session.scalar(db.select(Product.title)
                                 .where(Product.slug == "moon-mug")) == "Moon Mug"


def test_the_report_downloads_as_csv_with_every_line(app, client, post, merchant, tmp_path):
    """Every line, the handle that reads like a formula escaped as text."""
    rows = mug_rows(image="") + [dict(bowl_rows(price="oops")[0], Handle="=cmd|' /c calc'!A1")]
    rows[1]["Variant Price"] = "=1+1"
    path = job_path(upload(post, {"products": export_file(tmp_path, rows)}))
    run_worker(app)
    response = client.get(path + "/report.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0] == ["File", "Line", "Product", "Kind", "What happened"]
    assert lines[1:] == [
        ["products", "3", "moon-mug", "not imported", "price '=1+1' is not a number like 12.50"],
        ["products", "4", "'=cmd|' /c calc'!a1", "not imported",
         "price 'oops' is not a number like 12.50"]]


def test_the_inventory_file_sets_stock_from_the_back_office(app, client, post, merchant, tmp_path):
    inventory = ("Handle,Option1 Name,Option1 Value,SKU,Location,Available (not editable)\n"
                 "moon-mug,Glaze,White,MOON-WHITE,Shop,9\n").encode()
    rows = mug_rows(image="")
    path = job_path(upload(post, {"products": export_file(tmp_path, rows),
                                  "inventory": (inventory, "inventory_export.csv")}))
    run_worker(app)
    page = text(client.get(path))
    assert "Stock from inventory_export.csv" in page
    assert re.search(r"<dt>Variants given stock</dt><dd>1</dd>", page)
    with app.app_context():
        mug = db.session.scalar(db.select(Product).where(Product.slug == "moon-mug"))
        assert [(v.option1, v.stock) for v in mug.variants] == [("Blue", 12), ("White", 9)]


def test_a_file_that_is_not_an_export_is_refused_on_the_page(app, post, merchant):
    response = upload(post, {"products": (b"name,price\nMug,1000\n", "list.csv")})
    assert response.status_code == 422
    assert "is it a Shopify product export?" in text(response)
    assert_nothing_queued(app)


def test_a_missing_file_or_another_kind_of_file_is_pointed_out(app, post, merchant):
    assert "Choose the product export to import." in text(upload(post, {}))
    response = upload(post, {"products": (b"\x89PNG", "photo.png")})
    assert response.status_code == 422 and "Choose a .csv file" in text(response)
    assert_nothing_queued(app)


def test_an_export_of_18_mb_is_taken(app, post, merchant):
    """More than the 16 MB other forms take: a big shop's export fits the import's 20 MB."""
    rows = b"".join(b"bowl-%d,Bowl,1000,<p>%s</p>\n" % (n, b"x" * 900) for n in range(20_000))
    big = b"Handle,Title,Variant Price,Body (HTML)\n" + rows
    assert 17 * 1024 * 1024 < len(big) < 20 * 1024 * 1024
    job_path(upload(post, {"products": (big, "big.csv")}))
    with app.app_context():
        job = db.session.scalar(db.select(ImportJob))
        path = os.path.join(app.config["IMPORT_FOLDER"], job.folder, "products.csv")
    assert os.path.getsize(path) == len(big)


def test_an_upload_over_the_limit_is_refused_with_a_message(app, post, merchant):
    """21 MB is more than the 20 MB an import takes: the page says so and keeps nothing."""
    big = b"Handle,Title,Variant Price\n" + b"x" * (21 * 1024 * 1024)
    response = upload(post, {"products": (big, "huge.csv")})
    assert response.status_code == 413
    page = text(response)
    assert "The files are larger than 20 MB together." in page
    assert 'action="/admin/imports"' in page  # the form, to try again
    assert_nothing_queued(app)


def test_an_upload_without_the_form_token_is_refused(app, client, merchant, tmp_path):
    response = client.post("/admin/imports", data={
        "products": (io.BytesIO(export_file(tmp_path, bowl_rows())[0]), "p.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert_nothing_queued(app)


def assert_nothing_queued(app):
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ImportJob.id))) == 0
    folder = app.config["IMPORT_FOLDER"]
    assert not os.path.exists(folder) or os.listdir(folder) == []


def test_the_import_page_lists_recent_imports_and_the_exports(app, client, post, merchant,
                                                             tmp_path):
    job_path(upload(post, {"products": export_file(tmp_path, bowl_rows())}))
    run_worker(app)
    page = text(client.get("/admin/imports"))
    assert "products_export.csv" in page and "1 created, 0 updated, 0 skipped" in page
    for href in ("/admin/exports/products.csv", "/admin/exports/orders.csv",
                 "/admin/exports/customers.csv"):
        assert f'href="{href}"' in page
    assert 'href="/admin/imports" aria-current="page"' in page
    assert 'href="/admin/imports">Import and export</a>' in text(client.get("/admin/"))


def test_the_page_is_in_korean_for_a_korean_merchant(app, client, post, merchant):
    post("/language", {"lang": "ko", "next": "/admin/imports"}, token_from="/admin/imports")
    page = text(client.get("/admin/imports"))
    assert "가져오기" in page and "Import products from Shopify" not in page
