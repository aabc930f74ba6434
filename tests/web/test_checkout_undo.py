"""The undo window: cancel or change the address until it closes, only for whoever may see it."""
import re
from datetime import timedelta

import pytest

from domain.extensions import db
from domain.models import Order
from tests.checkout_helpers import krw_shop, stock_of
from tests.order_helpers import ADDRESS, NOW, place
from tests.page_helpers import csrf_token, text


@pytest.fixture
def shop(app, make):
    app.config["CLOCK"] = lambda: NOW
    setup = krw_shop(make, undo_minutes=30)
    return {**setup, "method": setup["standard"], "variant": setup["small"]}


@pytest.fixture
def guest_order(app, shop):
    return place(app, shop, quantity=2)


def order_row(app, number):
    with app.app_context():
        db.session.expire_all()
        order = db.session.scalar(db.select(Order).where(Order.number == number))
        return order.status, order.ship_line1, [e.note for e in order.events]


def test_a_guest_cancels_within_the_window_and_the_stock_comes_back(app, client, shop, guest_order):
    """303 back to the order's page (with its link token), cancelled, both units returned."""
    with app.app_context():
        assert stock_of(shop["small"]) == 8
    response = client.post(f"/orders/{guest_order['number']}/cancel",
                           data={"csrf_token": csrf_token(client), "t": guest_order["token"]})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/orders/{guest_order['number']}?t={guest_order['token']}"
    status, _, notes = order_row(app, guest_order["number"])
    assert status == "cancelled" and "Cancelled by the customer." in notes
    with app.app_context():
        assert stock_of(shop["small"]) == 10


def test_after_the_window_cancelling_is_refused_with_a_message(app, client, shop, guest_order):
    """undo_until in the past: nothing changes and the page says why."""
    app.config["CLOCK"] = lambda: NOW + timedelta(minutes=31)
    response = client.post(f"/orders/{guest_order['number']}/cancel",
                           data={"csrf_token": csrf_token(client), "t": guest_order["token"]})
    assert response.status_code == 303
    assert order_row(app, guest_order["number"])[0] == "placed"
    with app.app_context():
        assert stock_of(shop["small"]) == 8
    html = text(client.get(response.headers["Location"]))
    assert "can no longer be cancelled online" in html


def test_a_guest_without_the_token_gets_404(app, client, shop, guest_order):
    """No token, or another order's token: the same 404 as a missing order."""
    number = guest_order["number"]
    assert client.post(f"/orders/{number}/cancel", data={"csrf_token": csrf_token(client)}).status_code == 404
    other = place(app, shop, email="other@example.com")
    assert client.post(f"/orders/{number}/cancel",
                       data={"csrf_token": csrf_token(client), "t": other["token"]}).status_code == 404
    assert client.post(f"/orders/{number}/address",
                       data={"csrf_token": csrf_token(client), **ADDRESS}).status_code == 404
    assert order_row(app, number)[0] == "placed"


def test_another_customer_cannot_cancel_someone_elses_order(app, client, make, login, shop):
    """Signed in as someone else: 404, the order untouched."""
    owner, other = make.user(), make.user()
    order = place(app, shop, email=owner["email"], user_id=owner["id"])
    login(other)
    response = client.post(f"/orders/{order['number']}/cancel", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 404
    assert order_row(app, order["number"])[0] == "placed"


def test_the_owner_cancels_without_a_token(app, client, make, login, shop):
    """A signed-in customer's own order needs no link token; the redirect carries none."""
    owner = make.user()
    order = place(app, shop, email=owner["email"], user_id=owner["id"])
    login(owner)
    response = client.post(f"/orders/{order['number']}/cancel", data={"csrf_token": csrf_token(client)})
    assert response.headers["Location"] == f"/orders/{order['number']}"
    assert order_row(app, order["number"])[0] == "cancelled"


def test_cancelling_without_csrf_is_refused(app, client, shop, guest_order):
    """400, nothing changed."""
    response = client.post(f"/orders/{guest_order['number']}/cancel", data={"t": guest_order["token"]})
    assert response.status_code == 400
    assert order_row(app, guest_order["number"])[0] == "placed"


def test_changing_the_address_within_the_window(app, client, shop, guest_order):
    """The new address is stored, the region kept, and the change noted."""
    data = {**ADDRESS, "line1": "22 Hangang-daero", "csrf_token": csrf_token(client),
            "t": guest_order["token"], "region": "Islands"}
    response = client.post(f"/orders/{guest_order['number']}/address", data=data)
    assert response.status_code == 303
    status, line1, notes = order_row(app, guest_order["number"])
    assert (status, line1) == ("placed", "22 Hangang-daero") and "Delivery address changed." in notes
    with app.app_context():
        assert db.session.scalar(db.select(Order.ship_region)) == "Domestic"


def test_in_a_shop_that_ships_to_one_country_the_new_address_stays_there(app, client, make, shop):
    """No Country field in the undo form; a country sent anyway does not move the order."""
    make.settings(ship_countries=["South Korea"])
    order = place(app, shop)
    html = text(client.get(f"/orders/{order['number']}", query_string={"t": order["token"]}))
    assert 'id="undo-line1"' in html and 'id="undo-country"' not in html
    data = {**ADDRESS, "line1": "22 Hangang-daero", "country": "Japan",
            "csrf_token": csrf_token(client), "t": order["token"]}
    assert client.post(f"/orders/{order['number']}/address", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalars(db.select(Order.ship_country)).all() == ["South Korea"]


def test_a_bad_new_address_comes_back_422_with_field_messages(app, client, shop, guest_order):
    """A blank street: its message beside the field; the guest's token stays in the form."""
    data = {**ADDRESS, "line1": "", "csrf_token": csrf_token(client), "t": guest_order["token"]}
    response = client.post(f"/orders/{guest_order['number']}/address", data=data)
    html = text(response)
    assert response.status_code == 422
    assert 'id="line1-error" role="alert">Please enter the street address.' in html
    assert f'name="t" value="{guest_order["token"]}"' in html
    assert order_row(app, guest_order["number"])[1] == "1 Sejong-daero"


def test_changing_the_address_after_the_window_is_refused(app, client, shop, guest_order):
    """Closed: back to the order's page with the reason; the address is unchanged."""
    app.config["CLOCK"] = lambda: NOW + timedelta(hours=1)
    data = {**ADDRESS, "line1": "22 Hangang-daero", "csrf_token": csrf_token(client),
            "t": guest_order["token"]}
    response = client.post(f"/orders/{guest_order['number']}/address", data=data)
    assert response.status_code == 303
    assert order_row(app, guest_order["number"])[1] == "1 Sejong-daero"
    assert "can no longer be changed online" in text(client.get(response.headers["Location"]))


def test_the_order_page_shows_the_undo_section_in_the_shop_time_zone(app, client, shop, guest_order):
    """Until 18:30 Seoul time (09:00 UTC + 30 minutes), with the cancel and address forms."""
    response = client.get(f"/orders/{guest_order['number']}", query_string={"t": guest_order["token"]})
    assert response.status_code == 200
    html = text(response)
    assert "undo-heading" in html
    assert "You can cancel or change this order until 6:30 PM" in html
    assert "30 minutes left" in html
    assert re.search(rf'action="/orders/{guest_order["number"]}/cancel"', html)
    assert f'name="t" value="{guest_order["token"]}"' in html
    assert 'id="undo-line1"' in html and 'value="1 Sejong-daero"' in html

    app.config["CLOCK"] = lambda: NOW + timedelta(minutes=31)
    html = text(client.get(f"/orders/{guest_order['number']}", query_string={"t": guest_order["token"]}))
    assert "undo-heading" not in html
