"""A shop that ships to one country does not ask for it: the order records the shop's country.
One that ships to several (or names none) keeps the Country field."""
import pytest

from domain.extensions import db
from domain.models import Order
from tests.checkout_helpers import add_to_cart, checkout_form
from tests.page_helpers import text


def ship_country(app):
    with app.app_context():
        return db.session.scalar(db.select(Order.ship_country))


@pytest.mark.parametrize("countries, asked, posted, recorded", [
    (["South Korea"], False, None, "South Korea"),
    (["South Korea"], False, "Japan", "South Korea"),  # a stale form cannot send it elsewhere
    (["South Korea", "Japan"], True, "Japan", "Japan"),
    ([], True, "KR", "KR"),
])
def test_the_country_is_asked_only_when_the_shop_ships_to_more_than_one(
        app, client, make, checkout_shop, countries, asked, posted, recorded):
    """One country: no field, the region's hint says where, the order records it. Several (or
    none set): the field, and the order records what was typed."""
    make.settings(ship_countries=countries)
    add_to_cart(client, checkout_shop["small"])
    html = text(client.get("/checkout"))
    assert ('name="country"' in html) is asked
    assert ("We deliver within South Korea." in html) is not asked

    data = checkout_form(client, checkout_shop)
    data.pop("country")
    if posted is not None:
        data["country"] = posted
    response = client.post("/checkout", data=data)
    assert response.status_code == 303
    assert ship_country(app) == recorded
    assert recorded in text(client.get(response.headers["Location"]))


def test_a_refused_form_in_a_one_country_shop_comes_back_without_the_country(
        app, client, make, checkout_shop):
    """A missing street: 422 with its message, still no Country field, nothing ordered."""
    make.settings(ship_countries=["South Korea"])
    add_to_cart(client, checkout_shop["small"])
    data = checkout_form(client, checkout_shop, line1="")
    data.pop("country")
    response = client.post("/checkout", data=data)
    html = text(response)
    assert response.status_code == 422
    assert "Please enter the street address." in html and 'name="country"' not in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Order.id))) == 0
