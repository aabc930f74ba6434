"""Only merchants reach the back office: anonymous visitors sign in first, customers get 403."""
import io
from html.parser import HTMLParser

import pytest
from PIL import Image

from domain import import_jobs
from domain.extensions import db
from domain.models import ImportJob, Product, ShopSettings


@pytest.fixture
def shop_data(app, make):
    """One of everything an admin URL can point at."""
    category = make.category("Mugs")
    product = make.product("Blue mug", category_id=category["id"])
    method = make.shipping("Standard")
    with app.app_context():
        job = import_jobs.start(app.config["IMPORT_FOLDER"], (
            "export.csv", io.BytesIO(b"Handle,Title,Variant Price\nmug,Mug,1000\n")), None, None,
            "en")
        db.session.commit()
        job_id = job.id
    return {"product": product["id"], "category": category["id"], "method": method,
            "job": job_id}


def admin_urls(ids):
    p, c, m, j = ids["product"], ids["category"], ids["method"], ids["job"]
    gets = ["/admin/", "/admin/products", "/admin/products/new", f"/admin/products/{p}/edit",
            "/admin/categories", "/admin/settings", "/admin/imports", f"/admin/imports/{j}",
            f"/admin/imports/{j}/report.csv", "/admin/exports/products.csv",
            "/admin/exports/orders.csv", "/admin/exports/customers.csv"]
    posts = ["/admin/products/new", f"/admin/products/{p}/edit", "/admin/products/preview",
             f"/admin/products/{p}/preview", f"/admin/products/{p}/archive",
             f"/admin/products/{p}/images", f"/admin/products/{p}/images/1/delete",
             "/admin/categories", f"/admin/categories/{c}", "/admin/settings",
             "/admin/settings/shipping", f"/admin/settings/shipping/{m}",
             f"/admin/settings/shipping/{m}/active", "/admin/imports"]
    return gets, posts


def test_anonymous_visitors_are_sent_to_sign_in(client, post, shop_data):
    """Every admin page and action redirects a visitor who is not signed in to the login page."""
    gets, posts = admin_urls(shop_data)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 303, url
        assert response.headers["Location"].startswith("/account/login?next=/admin"), url
    for url in posts:
        response = post(url, {"title": "Hacked", "name": "Hacked"})
        assert response.status_code == 303, url
        assert "/account/login" in response.headers["Location"], url


def test_customers_are_refused(client, post, make, login, app, shop_data):
    """A signed-in customer gets 403 on every admin page and action, and nothing changes."""
    login(make.user())
    gets, posts = admin_urls(shop_data)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "not available to your account" in response.get_data(as_text=True)
    for url in posts:
        assert post(url, {"title": "Hacked", "name": "Hacked", "active": "0"}).status_code == 403, url
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ImportJob.id))) == 1
        assert db.session.get(Product, shop_data["product"]).title == "Blue mug"
        assert db.session.get(Product, shop_data["product"]).status == "active"
        assert db.session.get(ShopSettings, 1) is None or db.session.get(ShopSettings, 1).name != "Hacked"


def test_merchant_sees_the_back_office_navigation(client, make, login):
    """The admin pages share a navigation with every section, the shop and a sign-out button."""
    login(make.user(merchant=True))
    html = client.get("/admin/").get_data(as_text=True)
    for href in ('href="/admin/"', 'href="/admin/products"', 'href="/admin/categories"',
                 'href="/admin/settings"', 'href="/"'):
        assert href in html
    assert 'action="/account/logout"' in html
    assert ">Sign out</button>" in html


def test_merchant_signs_out_from_the_back_office(client, make, login, post):
    """The sign-out button ends the session: the back office asks to sign in again."""
    login(make.user(merchant=True))
    assert post("/account/logout", token_from="/admin/").status_code == 303
    assert client.get("/admin/").status_code == 303


class _Controls(HTMLParser):
    """Collects form controls, label targets, ids, and tables with their wrappers and captions."""

    def __init__(self):
        super().__init__()
        self.controls, self.label_for, self.ids, self.stack = [], set(), [], []
        self.tables, self.empty_buttons, self._button_text = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and "for" in attrs:
            self.label_for.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append(attrs)
        if tag == "table":
            self.tables.append({"scroll": any("table-scroll" in (c or "") for c in self.stack),
                                "caption": False})
        if tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        if tag == "button":
            self._button_text = ""
        if tag not in ("input", "img", "br", "meta", "link", "hr"):
            self.stack.append(attrs.get("class"))

    def handle_endtag(self, tag):
        if tag == "button" and self._button_text is not None:
            if not self._button_text.strip():
                self.empty_buttons.append(tag)
            self._button_text = None
        if tag not in ("input", "img", "br", "meta", "link", "hr") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self._button_text is not None:
            self._button_text += data


def test_every_admin_control_has_a_label_and_tables_scroll(client, make, login, shop_data, post):
    """On each admin page every control has a <label for>, ids are unique, buttons have text,
    and every table has a caption and sits in a scrolling wrapper (390 px phones)."""
    login(make.user(merchant=True))
    make.settings(low_stock_threshold=100)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 0, 255)).save(buffer, "PNG")
    uploaded = post(f"/admin/products/{shop_data['product']}/images",
                    {"photo": (io.BytesIO(buffer.getvalue()), "a.png")},
                    content_type="multipart/form-data")
    assert uploaded.status_code == 303
    gets, _posts = admin_urls(shop_data)
    for url in gets:
        response = client.get(url)
        if response.mimetype != "text/html":  # the CSV downloads
            response.close()
            continue
        parser = _Controls()
        parser.feed(response.get_data(as_text=True))
        # The dashboard and an import's progress page have links only.
        assert parser.controls or url in ("/admin/", f"/admin/imports/{shop_data['job']}"), url
        assert parser.tables or url not in ("/admin/", "/admin/products"), url
        for control in parser.controls:
            assert control.get("id") in parser.label_for, (url, control)
        assert len(parser.ids) == len(set(parser.ids)), (url, sorted(parser.ids))
        assert not parser.empty_buttons, url
        for table in parser.tables:
            assert table == {"scroll": True, "caption": True}, url
