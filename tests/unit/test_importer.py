"""Importing a Shopify product export: prices read exactly, bad rows reported by line, nothing
half-imported, and a second import updates rather than duplicates."""
import os
import socket

import pytest

from domain import importer
from domain.errors import ImportFailed, ShopError
from domain.extensions import db
from domain.models import Category, Product, Variant
from domain.text import render_markdown
from tests.import_helpers import COLUMNS, bowl_rows, mug_rows, png, sized_rows, write_csv


def run(app, path, **kw):
    columns, groups, problems = importer.read_csv(path)
    report = importer.import_products(groups, columns, kw.pop("currency", "KRW"),
                                      app.config["UPLOAD_FOLDER"],
                                      base_dir=os.path.dirname(path), **kw)
    db.session.commit()
    report.problems[:0] = problems
    return report


def product(slug):
    return db.session.scalar(db.select(Product).where(Product.slug == slug))


def messages(report):
    return [str(p) for p in report.problems]


def test_prices_in_krw_are_whole_won():
    """'39000.00' from a KRW shop is 39,000 won; a fraction of a won is refused."""
    assert importer.parse_price("39000.00", "KRW") == 39000
    assert importer.parse_price("39000", "KRW") == 39000
    with pytest.raises(ValueError, match="KRW"):
        importer.parse_price("39000.50", "KRW")


def test_prices_in_usd_are_cents():
    """'12.50' dollars is 1250 cents; three decimals or a typo are refused, never guessed."""
    assert importer.parse_price("12.50", "USD") == 1250
    assert importer.parse_price("12.5", "USD") == 1250
    assert importer.parse_price("12", "USD") == 1200
    for bad in ("12.345", "12,50", "-3.00", "abc", "1e3", ""):
        with pytest.raises(ValueError):
            importer.parse_price(bad, "USD")


def test_quantities_must_be_whole_and_not_negative():
    """Blank stock is 0; '-1' and '2.5' are errors with the value in the message."""
    assert importer.parse_quantity("") == 0
    assert importer.parse_quantity("7") == 7
    with pytest.raises(ValueError, match="negative"):
        importer.parse_quantity("-1")
    with pytest.raises(ValueError, match="whole number"):
        importer.parse_quantity("2.5")


def test_good_csv_creates_product_with_variants_image_and_clean_description(ctx, tmp_path):
    """Two variants and a local photo arrive whole: exact prices, stock, category, clean body."""
    png(tmp_path)
    report = run(ctx, write_csv(tmp_path, mug_rows()))
    assert (report.created, report.updated, report.skipped, report.problems) == (1, 0, 0, [])
    mug = product("moon-mug")
    assert mug.title == "Moon Mug" and mug.vendor == "Moonjar" and mug.status == "active"
    assert mug.option1_name == "Glaze" and mug.category.name == "Mugs"
    assert mug.tag_list == ["mug", "gift"]
    assert [(v.sku, v.option1, v.price, v.compare_at_price, v.stock) for v in mug.variants] == [
        ("MOON-BLUE", "Blue", 39000, 45000, 12), ("MOON-WHITE", "White", 42000, None, 0)]
    assert (mug.price_min, mug.price_max, mug.stock_total) == (39000, 42000, 12)
    assert "<script>" not in mug.description_html and "<strong>hand-thrown</strong>" in mug.description_html
    assert "<h2>Moon Mug</h2><p>A <strong>" in mug.description_html  # blocks stay apart
    assert "Dishwasher safe" in mug.description_text and "alert" not in mug.description_text
    assert [i.alt for i in mug.images] == ["The blue moon mug"]
    assert mug.cover_key == mug.images[0].key
    folder = os.path.join(ctx.config["UPLOAD_FOLDER"], "products")
    assert any(name.startswith(mug.cover_key) for name in os.listdir(folder))


def test_description_markdown_renders_like_the_imported_html(ctx, tmp_path):
    """Editing an imported product keeps bold, lists and links instead of showing raw tags."""
    png(tmp_path)
    run(ctx, write_csv(tmp_path, mug_rows()))
    markdown = product("moon-mug").description_md
    assert "<" not in markdown
    html = render_markdown(markdown)
    assert "<strong>hand-thrown</strong>" in html and "<li>350 ml</li>" in html
    assert 'href="https://example.com/care"' in html
    assert "<h2>Moon Mug</h2>" in html and "<h2>Details</h2>" in html
    assert html.count("<h") == product("moon-mug").description_html.count("<h")


def test_markdown_escapes_characters_that_would_change_the_meaning():
    """'5 * 3 = 15' stays text, tables stay tables."""
    markdown = importer.html_to_markdown(
        "<p>5 * 3 = 15 and [not a link]</p><table><tr><th>Size</th><th>Ø</th></tr>"
        "<tr><td>Small</td><td>8 cm</td></tr></table>")
    html = render_markdown(markdown)
    assert "<em>" not in html and "5 * 3 = 15 and [not a link]" in html
    assert "<th>Size</th>" in html and "<td>8 cm</td>" in html


def test_bad_price_on_line_3_skips_that_product_only(ctx, tmp_path):
    """A bad price on line 3 is reported and keeps out the whole mug; the bowl is imported."""
    png(tmp_path)
    report = run(ctx, write_csv(tmp_path, mug_rows(price_white="42,000") + bowl_rows()))
    assert (report.created, report.skipped) == (1, 1)
    assert report.failed
    assert any(m.startswith("line 3:") and "42,000" in m for m in messages(report))
    assert product("moon-mug") is None
    assert db.session.scalar(db.select(Variant).where(Variant.sku == "MOON-BLUE")) is None
    bowl = product("rice-bowl")
    assert bowl.option1_name == "" and bowl.variants[0].option1 == "" and bowl.price_min == 22000


def test_reimport_updates_instead_of_duplicating(ctx, tmp_path):
    """The same handle again: one product, same variant ids, new prices, no second photo."""
    png(tmp_path)
    run(ctx, write_csv(tmp_path, mug_rows()))
    first = product("moon-mug")
    ids = [v.id for v in first.variants]
    report = run(ctx, write_csv(tmp_path, mug_rows(price_blue="36000")))
    assert (report.created, report.updated, report.skipped) == (0, 1, 0)
    assert db.session.scalar(db.select(db.func.count(Product.id))) == 1
    db.session.expire_all()
    mug = product("moon-mug")
    assert [v.id for v in mug.variants] == ids
    assert [v.price for v in mug.variants] == [36000, 42000]
    assert len(mug.images) == 1


def test_usd_shop_reads_cents_and_refuses_three_decimals(ctx, tmp_path):
    """In a USD shop '12.50' is $12.50 and '12.345' on line 2 is an error naming the currency."""
    rows = bowl_rows(price="12.50")
    rows += [dict(bowl_rows(price="12.345")[0], Handle="soup-bowl", **{"Variant SKU": "SOUP-1"})]
    report = run(ctx, write_csv(tmp_path, rows), currency="USD")
    assert product("rice-bowl").variants[0].price == 1250
    assert product("soup-bowl") is None
    assert any(m.startswith("line 3:") and "USD" in m for m in messages(report))


def test_each_bad_row_is_reported_with_its_line_and_reason(ctx, tmp_path):
    """No title, negative or fractional stock, no handle: each line and why, product left out."""
    rows = [
        dict(bowl_rows()[0], Handle="no-title", Title="", **{"Variant SKU": "A-1"}),         # 2
        dict(bowl_rows()[0], Handle="neg", **{"Variant SKU": "B-1", "Variant Inventory Qty": "-2"}),
        dict(bowl_rows()[0], Handle="frac",
             **{"Variant SKU": "C-1", "Variant Inventory Qty": "1.5"}),
        dict(bowl_rows()[0], Handle="fine", **{"Variant SKU": "D-1"}),                       # 5
        dict(bowl_rows()[0], Handle=""),                                                     # 6
    ]
    report = run(ctx, write_csv(tmp_path, rows))
    text = "\n".join(messages(report))
    assert "line 2: no Title" in text
    assert "line 3: inventory -2 is negative" in text
    assert "line 4: inventory '1.5' is not a whole number" in text
    assert "line 6: no Handle" in text
    assert (report.created, report.skipped) == (1, 3)
    assert product("fine") is not None and product("neg") is None


def test_repeated_skus_import_every_product_with_a_warning(ctx, tmp_path, make):
    """One SKU across sizes, and across products: all imported, each repeat reported once."""
    make.product("Old tee", variants=[{"sku": "OLD-1", "price": 1000, "stock": 1}])
    rows = (sized_rows("linen-shirt", "Linen Shirt", "SHIRT") + sized_rows("linen-dress",
            "Linen Dress", "SHIRT", sizes=("S", "M")) + sized_rows("cap", "Cap", "OLD-1",
                                                                   sizes=("One size",)))
    report = run(ctx, write_csv(tmp_path, rows))
    assert (report.created, report.skipped, report.failed) == (3, 0, False)
    assert [v.option1 for v in product("linen-shirt").variants] == ["S", "M", "L"]
    assert {v.sku for v in product("linen-dress").variants} == {"SHIRT"}
    text = "\n".join(messages(report))
    assert "warning, line 2: SKU SHIRT is on 5 variants (lines 2, 3, 4, 5, 6)" in text
    assert "warning, line 7: SKU OLD-1 is also used by “Old tee”" in text
    assert len(report.problems) == 2


def test_reimporting_repeated_skus_updates_each_size_in_place(ctx, tmp_path):
    """Variants sharing a SKU are told apart by their options: same ids, new prices."""
    run(ctx, write_csv(tmp_path, sized_rows("linen-shirt", "Linen Shirt", "SHIRT")))
    ids = [v.id for v in product("linen-shirt").variants]
    rows = sized_rows("linen-shirt", "Linen Shirt", "SHIRT")
    rows[2]["Variant Price"] = "35000"
    report = run(ctx, write_csv(tmp_path, rows))
    db.session.expire_all()
    shirt = product("linen-shirt")
    assert report.updated == 1
    assert [(v.id, v.option1, v.price) for v in shirt.variants] == [
        (ids[0], "S", 30000), (ids[1], "M", 30000), (ids[2], "L", 35000)]


def test_unreachable_image_is_a_warning_and_the_product_still_arrives(ctx, tmp_path):
    """An image URL that cannot be fetched warns about its line; the product has no photo."""
    with socket.socket() as sock:  # a port nobody listens on: the fetch fails at once
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    report = run(ctx, write_csv(tmp_path, mug_rows(image=f"http://127.0.0.1:{port}/mug.png")))
    assert report.created == 1 and not report.failed
    assert any(p.warning and p.line == 2 for p in report.problems)
    assert product("moon-mug").images == []


def test_file_url_and_draft_status_are_understood(ctx, tmp_path):
    """A file:// image is read, Published FALSE without a Status makes a draft."""
    path = png(tmp_path, "bowl.png")
    columns = [c for c in COLUMNS if c != "Status"]
    rows = [dict(bowl_rows()[0], Published="FALSE", **{"Image Src": "file://" + path})]
    report = run(ctx, write_csv(tmp_path, rows, columns=columns))
    bowl = product("rice-bowl")
    assert report.problems == [] and bowl.status == "draft" and len(bowl.images) == 1


def test_a_product_failing_while_written_leaves_nothing_behind(ctx, tmp_path, monkeypatch):
    """A product failing mid-write is rolled back to its savepoint; its neighbours are imported."""
    real = importer.html_to_markdown

    def failing(html):
        if "hand-thrown" in html:
            raise ShopError("disk full")
        return real(html)

    monkeypatch.setattr(importer.catalogue, "html_to_markdown", failing)
    png(tmp_path)
    rice = dict(bowl_rows()[0], **{"Body (HTML)": "<p>Rice</p>"})
    soup = dict(rice, Handle="soup-bowl", **{"Variant SKU": "SOUP-1"})
    report = run(ctx, write_csv(tmp_path, [rice] + mug_rows() + [soup]))
    assert (report.created, report.skipped) == (2, 1)
    assert any("moon-mug not imported: disk full" in m for m in messages(report))
    assert product("moon-mug") is None
    assert db.session.scalar(db.select(Variant).where(Variant.sku.like("MOON-%"))) is None
    assert db.session.scalar(db.select(Category).where(Category.name == "Mugs")) is None
    assert product("rice-bowl") is not None and product("soup-bowl") is not None


def test_files_that_are_not_shopify_exports_are_refused(tmp_path):
    """No Handle column, or not UTF-8: one clear message, nothing read."""
    path = tmp_path / "other.csv"
    path.write_text("name,price\nMug,1000\n")
    with pytest.raises(ImportFailed, match="Handle"):
        importer.read_csv(path)
    path.write_bytes("Handle,Title,Variant Price\nmug,머그,1000\n".encode("cp949"))
    with pytest.raises(ImportFailed, match="UTF-8"):
        importer.read_csv(path)


def test_line_numbers_count_spreadsheet_rows_even_with_multiline_bodies(ctx, tmp_path):
    """A body spanning several physical lines is still one row, so line 3 is the third row."""
    rows = [dict(bowl_rows()[0], **{"Body (HTML)": "<p>One</p>\n<p>Two</p>\n<p>Three</p>"}),
            dict(bowl_rows()[0], Handle="bad", **{"Variant SKU": "X", "Variant Price": "oops"})]
    report = run(ctx, write_csv(tmp_path, rows))
    assert [p.line for p in report.problems] == [3]


def test_export_without_inventory_column_keeps_the_shops_stock(ctx, tmp_path):
    """Newer exports carry no stock: new variants start at 0, existing ones keep their count."""
    columns = [c for c in COLUMNS if c != "Variant Inventory Qty"]
    run(ctx, write_csv(tmp_path, bowl_rows(), columns=columns))
    bowl = product("rice-bowl")
    assert bowl.variants[0].stock == 0 and bowl.stock_total == 0
    bowl.variants[0].stock = 9
    db.session.commit()
    report = run(ctx, write_csv(tmp_path, bowl_rows(price="24000"), columns=columns))
    db.session.expire_all()
    bowl = product("rice-bowl")
    assert report.updated == 1 and (bowl.variants[0].stock, bowl.price_min) == (9, 24000)


@pytest.fixture
def web_server():
    """A local HTTP server in a thread; routes map a path to a handler(request)."""
    import http.server
    import threading

    routes = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            routes[self.path](self)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", routes
    server.shutdown()
    server.server_close()


def png_bytes(tmp_path):
    with open(png(tmp_path, "served.png"), "rb") as fh:
        return fh.read()


def test_an_image_url_is_fetched(tmp_path, web_server):
    base, routes = web_server
    body = png_bytes(tmp_path)

    def image(request):
        request.send_response(200)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    routes["/mug.png"] = image
    assert importer.read_image(base + "/mug.png") == body


def test_an_endless_image_url_stops_at_the_size_limit(tmp_path, web_server, monkeypatch):
    """No Content-Length and no end: reading stops just past the limit."""
    monkeypatch.setattr(importer.images, "MAX_BYTES", 256 * 1024)
    base, routes = web_server

    def endless(request):
        request.send_response(200)
        request.end_headers()
        try:
            while True:
                request.wfile.write(b"\0" * 65536)
        except OSError:
            pass

    routes["/zero"] = endless
    with pytest.raises(ValueError, match="larger than"):
        importer.read_image(base + "/zero")


def test_a_slow_image_url_stops_at_the_time_limit(web_server, monkeypatch):
    """A server that trickles a byte at a time never trips the socket timeout; the deadline does."""
    import time
    monkeypatch.setattr(importer.photos, "FETCH_DEADLINE", 1.0)
    base, routes = web_server

    def trickle(request):
        request.send_response(200)
        request.end_headers()
        try:
            for _ in range(100):
                request.wfile.write(b"x")
                request.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    routes["/slow"] = trickle
    started = time.monotonic()
    with pytest.raises(ValueError, match="took longer"):
        importer.read_image(base + "/slow")
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("src", ["/dev/zero", "file:///dev/zero", "/etc/passwd", "../outside.png",
                                 "sub/../../outside.png", "~/outside.png", "link.png", "folder",
                                 "fifo"])
def test_local_files_outside_the_csv_folder_or_not_regular_are_refused(tmp_path, src):
    """Only regular files inside the CSV's folder are read; no .. escapes, no symlinks out."""
    folder = tmp_path / "csv"
    (folder / "folder").mkdir(parents=True)
    outside = png(tmp_path, "outside.png")
    os.symlink(outside, folder / "link.png")
    os.mkfifo(folder / "fifo")
    with pytest.raises((ValueError, OSError)):
        importer.read_image(src, base_dir=str(folder))


def test_local_files_need_an_explicit_folder(tmp_path, monkeypatch):
    """Without base_dir no path is read at all, not even one in the working directory."""
    png(tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError):
        importer.read_image("mug.png")
    with pytest.raises(ValueError):
        importer.read_image("file://" + str(tmp_path / "mug.png"))
    assert importer.read_image("mug.png", base_dir=str(tmp_path))[:4] == b"\x89PNG"


def test_image_src_dev_zero_is_a_warning_and_the_product_arrives(ctx, tmp_path):
    report = run(ctx, write_csv(tmp_path, mug_rows(image="/dev/zero")))
    assert report.created == 1 and not report.failed
    assert any(p.warning and p.line == 2 and "/dev/zero" in str(p) for p in report.problems)
    assert product("moon-mug").images == []


def test_a_nul_byte_in_a_cell_is_a_problem_on_its_line(ctx, tmp_path):
    rows = mug_rows()
    rows[1]["Variant SKU"] = "MOON\x00WHITE"
    png(tmp_path)
    report = run(ctx, write_csv(tmp_path, rows + bowl_rows()))
    assert report.failed
    assert any(m.startswith("line 3:") and "NUL" in m for m in messages(report))
    assert product("moon-mug") is None and product("rice-bowl") is not None


def test_the_report_names_what_each_product_loses(ctx, tmp_path):
    """Images and videos inside a description, a third option, and columns the shop does not
    read (counted by product; values the shop does anyway are no loss) are all reported."""
    columns = COLUMNS + ["Option3 Name", "Option3 Value", "SEO Title", "Variant Barcode",
                         "Variant Taxable", "Variant Grams", "Variant Weight Unit"]
    body = ('<p>Glazed by hand.</p><img src="https://cdn.shopify.com/mug-side.jpg" alt="">'
            '<div><img src="https://cdn.shopify.com/mug-top.jpg"></div>'
            '<iframe src="https://www.youtube.com/embed/abc"></iframe>')
    rows = mug_rows(image="") + bowl_rows()
    rows[0].update({"Body (HTML)": body, "Option3 Name": "Finish", "Option3 Value": "Matte",
                    "SEO Title": "Moon mug | Moonjar", "Variant Taxable": "TRUE",
                    "Variant Grams": "350", "Variant Weight Unit": "g"})
    rows[1].update({"Option3 Value": "Gloss", "Variant Barcode": "880123", "Variant Grams": "350"})
    rows[2].update({"Variant Taxable": "FALSE", "Variant Grams": "500"})
    report = run(ctx, write_csv(tmp_path, rows, columns=columns))
    assert (report.created, report.failed) == (2, False)
    by_line = {}
    for p in report.problems:
        by_line.setdefault((p.line, p.handle), []).append(p.message)
    mug = by_line[(2, "moon-mug")]
    assert ("2 images in Body (HTML) were left out (descriptions hold text; add them as product "
            "photos): https://cdn.shopify.com/mug-side.jpg, https://cdn.shopify.com/mug-top.jpg; "
            "1 embedded video or frame in Body (HTML) was left out: "
            "https://www.youtube.com/embed/abc") in mug
    assert "a third option (Finish) is not supported; its values were left out: Matte, Gloss" in mug
    assert sorted(by_line[(1, "")]) == [
        "the column “SEO Title” is not imported; 1 product has values in it",
        "the column “Variant Barcode” is not imported; 1 product has values in it",
        "the column “Variant Grams” is not imported; 2 products have values in it",
        "the column “Variant Taxable” is not imported; 1 product has values in it"]
    assert all(p.warning for p in report.problems)
    assert "<img" not in product("moon-mug").description_html
