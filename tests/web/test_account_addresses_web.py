"""Saved addresses through the browser: add, edit, delete, make default; only one's own."""
import re

import pytest

from domain.extensions import db
from domain.models import Address
from tests.page_helpers import csrf_token, text

FORM = {"label": "Home", "name": "Kim Minji", "phone": "010-1234-5678",
        "line1": "1 Sejong-daero", "line2": "Apt 101", "city": "Seoul", "postcode": "04524",
        "region": "Domestic", "country": "KR"}


@pytest.fixture
def shop_regions(make):
    make.shipping("Standard", price=3000)
    make.shipping("Island", price=5000, region="Jeju")


def add(post, **overrides):
    return post("/account/addresses/new", dict(FORM, **overrides),
                token_from="/account/addresses/new")


def press(post, address_id, action):
    """A button-only POST (make default, delete) with the list page's CSRF token."""
    return post(f"/account/addresses/{address_id}/{action}", token_from="/account/addresses")


def stored(app, user_id):
    with app.app_context():
        return [(a.label, a.city, a.is_default) for a in db.session.scalars(
            db.select(Address).where(Address.user_id == user_id).order_by(Address.id))]


def address_ids(app, user_id):
    with app.app_context():
        return db.session.scalars(db.select(Address.id).where(Address.user_id == user_id)
                                  .order_by(Address.id)).all()


def test_adding_addresses_the_first_is_default(app, client, make, login, post, shop_regions):
    """The first address saved is the default and is listed first, marked as such."""
    user = make.user()
    login(user)
    response = add(post)
    assert response.status_code == 303 and response.headers["Location"] == "/account/addresses"
    add(post, label="Work", city="Busan", region="Jeju")
    page = text(client.get("/account/addresses"))
    assert "Address saved." in page
    assert stored(app, user["id"]) == [("Home", "Seoul", True), ("Work", "Busan", False)]
    assert page.index("Home") < page.index("Work")
    assert page.count(">Default</span>") == 1


def test_the_region_select_lists_the_shops_regions_default_first(client, make, login,
                                                                 shop_regions):
    """The region is a select of the shop's shipping regions; every field has a label."""
    login(make.user())
    page = text(client.get("/account/addresses/new"))
    options = re.findall(r'<option[^>]*value="([^"]+)"', page)
    assert options == ["Domestic", "Jeju"]
    for field in ("label", "name", "phone", "line1", "line2", "city", "postcode", "region",
                  "country"):
        assert f'<label for="{field}">' in page


def test_validation_errors_are_shown_and_nothing_saved(app, client, make, login, post,
                                                       shop_regions):
    """Blank required fields and an unknown region each get a message with role=alert."""
    user = make.user()
    login(user)
    response = add(post, name="", line1=" ", city="", region="Mars")
    assert response.status_code == 422
    page = text(response)
    assert "Please enter the street address." in page
    assert "We do not ship to that region" in page
    assert 'aria-invalid="true"' in page and page.count('role="alert"') >= 4
    assert stored(app, user["id"]) == []


def test_edit_make_default_and_delete(app, client, make, login, post, shop_regions):
    """Editing changes the fields; make default moves it; deleting the default promotes another."""
    user = make.user()
    login(user)
    add(post)
    add(post, label="Work", city="Busan")
    home, work = address_ids(app, user["id"])
    form = text(client.get(f"/account/addresses/{work}/edit"))
    assert 'value="Busan"' in form
    assert post(f"/account/addresses/{work}/edit", dict(FORM, label="Office", city="Incheon"),
                token_from=f"/account/addresses/{work}/edit").status_code == 303
    assert press(post, work, "default").status_code == 303
    assert stored(app, user["id"]) == [("Home", "Seoul", False), ("Office", "Incheon", True)]
    assert press(post, work, "delete").status_code == 303
    assert stored(app, user["id"]) == [("Home", "Seoul", True)]
    assert "Address deleted." in text(client.get("/account/addresses"))


def test_another_customers_address_is_404_and_unchanged(app, client, make, login, post,
                                                        shop_regions):
    """B cannot see, edit, default or delete A's address: every URL is 404 and nothing changes."""
    a, b = make.user(), make.user()
    login(a)
    add(post)
    add(post, label="Work")
    home, work = address_ids(app, a["id"])
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/account/")})
    login(b)
    assert client.get(f"/account/addresses/{home}/edit").status_code == 404
    assert post(f"/account/addresses/{home}/edit", dict(FORM, label="Stolen"),
                token_from="/account/addresses").status_code == 404
    assert press(post, work, "default").status_code == 404
    assert press(post, home, "delete").status_code == 404
    assert press(post, 99999, "delete").status_code == 404
    assert stored(app, a["id"]) == [("Home", "Seoul", True), ("Work", "Seoul", False)]
    assert "Kim Minji" not in text(client.get("/account/addresses"))


def test_address_posts_need_csrf(app, client, make, login, post, shop_regions):
    """Without the CSRF token: 400, and nothing is added, changed or deleted."""
    user = make.user()
    login(user)
    add(post)
    [home] = address_ids(app, user["id"])
    assert client.post("/account/addresses/new", data=FORM).status_code == 400
    assert client.post(f"/account/addresses/{home}/edit",
                       data=dict(FORM, city="Busan")).status_code == 400
    assert client.post(f"/account/addresses/{home}/delete").status_code == 400
    assert stored(app, user["id"]) == [("Home", "Seoul", True)]


def test_delete_is_not_a_link(client, make, login):
    """Deleting takes a POST: a GET (a link, a prefetch) deletes nothing."""
    login(make.user())
    assert client.get("/account/addresses/1/delete").status_code == 405
