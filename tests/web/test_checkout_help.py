"""Help for a stalled checkout: the heartbeat (noted in memory, written by the flush), the help
offer once per checkout (after an error, or after the shop's minutes), and the order marking
its checkout ordered."""
from datetime import timedelta

import pytest

from domain.extensions import db
from domain.models import CheckoutRecord
from tests.checkout_helpers import add_to_cart, checkout_form
from tests.order_helpers import NOW
from tests.page_helpers import csrf_of, text

OFFER = "We can help"
DECLINED = "Card declined? We can help, or try bank transfer."


@pytest.fixture
def clock(app):
    """The request clock, moved by the test: clock["now"] += timedelta(...)."""
    moment = {"now": NOW}
    app.config["CLOCK"] = lambda: moment["now"]
    return moment


@pytest.fixture
def with_jar(client, checkout_shop, clock):
    add_to_cart(client, checkout_shop["small"], quantity=2)
    return checkout_shop


def beat(client, html, **fields):
    return client.post("/checkout/heartbeat", data={"csrf_token": csrf_of(html), **fields},
                       headers={"HX-Request": "true"})


def flush(app):
    """What the flush thread does every CHECKOUT_FLUSH_SECONDS."""
    from blueprints.checkout import heartbeat
    return heartbeat.flush(app)


def records(app):
    with app.app_context():
        return [(r.state, r.email, r.error_code, r.error_message, r.last_seen_at, r.started_at)
                for r in db.session.scalars(db.select(CheckoutRecord).order_by(CheckoutRecord.id))]


def decline(client, shop):
    return client.post("/checkout", data=checkout_form(
        client, shop, payment_method="test_card", card_number="4000000000000002"))


def test_a_declined_card_offers_help_once_with_a_link_to_the_chat(app, client, with_jar):
    response = decline(client, with_jar)
    html = text(response)
    assert response.status_code == 422
    assert html.count(DECLINED) == 1
    assert 'href="/chat?about=checkout"' in html
    # The chat copies what the shopper was shown.
    with client.session_transaction() as session:
        problem = session["checkout_problem"]
    assert problem["code"] == "card_declined" and "declined" in problem["message"]
    # Declined again, and the page's heartbeat: no second offer for this checkout.
    again = text(decline(client, with_jar))
    assert "Your card was declined" in again and OFFER not in again
    assert beat(client, again).status_code == 204


def test_the_error_is_recorded_on_the_checkout_by_the_flush(app, client, with_jar):
    decline(client, with_jar)
    assert records(app) == []  # nothing written by the page or the refused order
    assert flush(app) == 1
    [(state, email, code, message, _seen, _started)] = records(app)
    assert (state, email, code) == ("open", "minji@example.com", "card_declined")
    assert "declined" in message


def test_a_form_mistake_is_no_checkout_error_and_offers_nothing(client, with_jar):
    html = text(client.post("/checkout", data=checkout_form(client, with_jar, email="")))
    assert "Please enter the email address" in html and OFFER not in html


def test_an_invalid_address_offers_help(client, with_jar):
    html = text(client.post("/checkout", data=checkout_form(client, with_jar, city="", line1="")))
    assert "Trouble with the address? We can help." in html
    with client.session_transaction() as session:
        assert session["checkout_problem"]["code"] == "invalid_address"
        assert "street address" in session["checkout_problem"]["message"]


def test_help_is_offered_after_the_shops_minutes_on_the_page(client, with_jar, clock):
    """Five minutes by default: the heartbeat before says nothing (204), the one after offers
    help once, and later ones are 204 again."""
    html = text(client.get("/checkout"))
    assert OFFER not in html
    clock["now"] += timedelta(minutes=4)
    assert beat(client, html).status_code == 204
    clock["now"] += timedelta(minutes=1)
    offered = beat(client, html)
    assert offered.status_code == 200
    assert "Need a hand with your order? We can help." in text(offered)
    clock["now"] += timedelta(minutes=1)
    assert beat(client, html).status_code == 204
    # Without JavaScript (no heartbeat) a reload after the minutes would offer it: not twice.
    assert OFFER not in text(client.get("/checkout"))


def test_two_tabs_get_one_offer(app, client, with_jar, clock):
    """Two tabs of one browser share its session: whichever beats first gets the offer."""
    first_tab = text(client.get("/checkout"))
    second_tab = text(client.get("/checkout"))
    clock["now"] += timedelta(minutes=6)
    answers = [beat(client, first_tab), beat(client, second_tab), beat(client, first_tab)]
    assert [a.status_code for a in answers] == [200, 204, 204]


def test_a_page_loaded_after_the_minutes_offers_help_without_javascript(client, with_jar, clock):
    client.get("/checkout")
    clock["now"] += timedelta(minutes=5)
    html = text(client.get("/checkout"))
    assert "Need a hand with your order? We can help." in html
    assert 'href="/chat?about=checkout"' in html


def test_the_heartbeat_writes_nothing_until_the_flush(app, client, with_jar, clock,
                                                       count_queries):
    html = text(client.get("/checkout"))
    clock["now"] += timedelta(minutes=1)
    with count_queries() as statements:
        response = beat(client, html, email="minji@example.com")
    assert response.status_code == 204
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert records(app) == []
    assert flush(app) == 1
    [(state, email, _code, _message, seen, started)] = records(app)
    assert (state, email) == ("open", "minji@example.com")
    assert (started, seen) == (NOW, NOW + timedelta(minutes=1))
    assert flush(app) == 0  # nothing pending any more


def test_the_heartbeat_needs_the_forms_token(client, with_jar):
    client.get("/checkout")
    assert client.post("/checkout/heartbeat", data={}).status_code == 400


def test_placing_the_order_marks_the_checkout_ordered(app, client, with_jar):
    html = text(client.get("/checkout"))
    beat(client, html, email="minji@example.com")
    flush(app)
    assert client.post("/checkout", data=checkout_form(client, with_jar)).status_code == 303
    assert [r[0] for r in records(app)] == ["ordered"]
    # A later flush of what this process still saw leaves it ordered.
    flush(app)
    assert [r[0] for r in records(app)] == ["ordered"]
    # The next checkout is a new one.
    add_to_cart(client, with_jar["cup"])
    client.get("/checkout")
    flush(app)
    assert [r[0] for r in records(app)] == ["ordered", "open"]


def test_an_order_placed_before_any_flush_still_marks_its_checkout(app, client, with_jar):
    assert client.post("/checkout", data=checkout_form(client, with_jar)).status_code == 303
    assert [r[0] for r in records(app)] == ["ordered"]
    flush(app)
    assert [r[0] for r in records(app)] == ["ordered"]
