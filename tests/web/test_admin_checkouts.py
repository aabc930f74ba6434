"""The back office's checkouts: who is checking out, what went wrong, "Start a chat" with a
shopper still on the page (offered on their next heartbeat, once), the settings, and who may
open it."""
from datetime import timedelta

import pytest

from domain.extensions import db
from domain.models import CheckoutRecord, Conversation, ShopSettings
from tests.checkout_helpers import add_to_cart, checkout_form
from tests.order_helpers import NOW
from tests.page_helpers import csrf_of, sign_in, text


@pytest.fixture
def clock(app):
    moment = {"now": NOW}
    app.config["CLOCK"] = lambda: moment["now"]
    return moment


def flush(app):
    from blueprints.checkout import heartbeat
    return heartbeat.flush(app)


@pytest.fixture
def shopper(app, checkout_shop, clock):
    """A guest whose card was declined at checkout, still on the page."""
    browser = app.test_client()
    add_to_cart(browser, checkout_shop["small"], quantity=2)
    response = browser.post("/checkout", data=checkout_form(
        browser, checkout_shop, payment_method="test_card", card_number="4000000000000002"))
    assert response.status_code == 422
    flush(app)
    return browser


def beat(browser):
    html = text(browser.get("/checkout"))
    return browser.post("/checkout/heartbeat", data={"csrf_token": csrf_of(html)})


def staff_browser(app, make, role="staff"):
    browser = app.test_client()
    user = make.user(email=f"{role}@example.com", role=role) if role == "staff" else \
        make.user(email="boss@example.com", merchant=True)
    assert sign_in(browser, user["email"], user["password"]).status_code == 303
    return browser


def test_staff_see_the_stalled_checkout_with_its_cart_and_error(app, make, shopper):
    staff = staff_browser(app, make)
    html = text(staff.get("/admin/checkouts"))
    assert "minji@example.com" in html
    assert "2 × Moon jar" in html and "₩81,000" in html
    assert "Card declined" in html and "declined by the bank" in html
    assert "Stalled" in html and "On the page now" in html
    assert "Start a chat" in html


def test_customers_and_visitors_may_not_open_it(app, make, shopper):
    assert app.test_client().get("/admin/checkouts").status_code == 303
    customer = app.test_client()
    user = make.user(email="someone@example.com")
    sign_in(customer, user["email"], user["password"])
    assert customer.get("/admin/checkouts").status_code == 403


def test_start_a_chat_reaches_the_shoppers_page_once(app, make, shopper, clock):
    staff = staff_browser(app, make)
    page = text(staff.get("/admin/checkouts"))
    with app.app_context():
        record_id = db.session.scalar(db.select(CheckoutRecord.id))
    response = staff.post(f"/admin/checkouts/{record_id}/chat", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303 and "/admin/inbox/C-" in response.headers["Location"]
    with app.app_context():
        conversation = db.session.scalar(db.select(Conversation))
        assert conversation.channel == "chat" and conversation.handed_over_at == NOW
        assert conversation.email == "minji@example.com"
        assert conversation.context["checkout_error"]["code"] == "card_declined"
        assert conversation.context["cart"]["total"] == "₩81,000"
        assert conversation.context["cart"]["lines"][0]["quantity"] == 2
        reference = conversation.reference
    # A second press (another tab, another staff member) starts nothing more.
    again = staff.post(f"/admin/checkouts/{record_id}/chat", data={"csrf_token": csrf_of(page)})
    assert again.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Conversation.id))) == 1
    # The shopper's next heartbeat offers the chat, once.
    offered = beat(shopper)
    assert offered.status_code == 200
    assert "Someone from the shop would like to help" in text(offered)
    assert "Open the chat" in text(offered)
    with shopper.session_transaction() as session:
        assert session["checkout"]["chat"] == reference
    assert beat(shopper).status_code == 204
    # The offer's link opens that very chat in the shopper's panel, with the merchant's context.
    panel = text(shopper.get("/chat?about=checkout"))
    assert "I see you are checking out" in panel
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Conversation.id))) == 1


def test_no_chat_when_the_shopper_has_left(app, make, shopper, clock):
    clock["now"] += timedelta(minutes=3)
    staff = staff_browser(app, make)
    page = text(staff.get("/admin/checkouts"))
    assert "Start a chat" not in page and "On the page now" not in page
    with app.app_context():
        record_id = db.session.scalar(db.select(CheckoutRecord.id))
    response = staff.post(f"/admin/checkouts/{record_id}/chat", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert "has left the checkout page" in text(staff.get("/admin/checkouts"))
    with app.app_context():
        assert db.session.scalar(db.select(Conversation)) is None


def test_an_ordered_checkout_leaves_the_list(app, make, checkout_shop, clock):
    browser = app.test_client()
    add_to_cart(browser, checkout_shop["small"])
    assert browser.post("/checkout", data=checkout_form(browser, checkout_shop)).status_code == 303
    flush(app)
    assert "Nobody is checking out right now." in text(staff_browser(app, make).get("/admin/checkouts"))


def test_the_owner_sets_the_minutes_and_hours(app, make, post):
    owner = staff_browser(app, make, role="owner")
    page = text(owner.get("/admin/settings"))
    assert "Minutes at checkout before help is offered" in page
    form = {"csrf_token": csrf_of(page), "help_offer_minutes": "8", "reminder_hours": "24"}
    assert owner.post("/admin/settings/checkouts", data=form).status_code == 303
    with app.app_context():
        row = db.session.get(ShopSettings, 1)
        assert (row.help_offer_minutes, row.reminder_hours, row.reminder_on) == (8, 24, False)
    bad = owner.post("/admin/settings/checkouts", data={**form, "reminder_hours": "0",
                                                        "reminder_on": "y"})
    assert bad.status_code == 422
    with app.app_context():
        row = db.session.get(ShopSettings, 1)
        assert (row.reminder_hours, row.reminder_on) == (24, False)
    # Staff may not change it.
    staff = staff_browser(app, make)
    token = csrf_of(text(staff.get("/admin/orders")))
    assert staff.post("/admin/settings/checkouts",
                      data={**form, "csrf_token": token}).status_code == 403


def test_the_dashboard_counts_abandoned_checkouts(app, make, shopper, clock):
    clock["now"] += timedelta(hours=1)
    with app.app_context():
        from domain import checkout_reminders
        assert checkout_reminders.mark_abandoned(clock["now"]) == 1
        db.session.commit()
    html = text(staff_browser(app, make, role="owner").get("/admin/"))
    assert "1 abandoned checkout in the last 30 days" in html
    assert "0 reminders sent, 0 came back and ordered" in " ".join(html.split())
