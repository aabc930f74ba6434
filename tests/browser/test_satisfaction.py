"""On a phone: a customer taps a face in the delivered email, adds a comment and sends it; the
satisfaction page and the review requests' opt-out page pass the accessibility audit."""
import re
from email import message_from_bytes, policy
from html import unescape
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from blueprints.mail import renderer
from domain.extensions import db
from domain.models import OutboxMessage, Satisfaction
from domain.reviews import requests
from tests.order_helpers import NOW, delivered_order, shop_with_a_product


@pytest.fixture
def delivered(app, make):
    app.config["CLOCK"] = lambda: NOW
    return delivered_order(app, shop_with_a_product(make), email="minji@example.com")


def face_link(app, label):
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "order_delivered"))
        email = message_from_bytes(renderer(app)(message).as_bytes(), policy=policy.default)
    html = next(part.get_content() for part in email.walk()
                if part.get_content_type() == "text/html")
    [href] = re.findall(rf'href="([^"]*/satisfaction/[^"]*)" title="{label}"', html)
    parts = urlsplit(unescape(href))
    return f"{parts.path}?{parts.query}"


def test_a_customer_answers_from_the_delivered_email(phone, live_server, app, delivered,
                                                     axe_violations):
    phone.goto(live_server + face_link(app, "Happy"))
    expect(phone.get_by_role("radio", name="Happy", exact=True)).to_be_checked()
    assert axe_violations(phone) == []
    phone.get_by_role("radio", name="Very happy", exact=True).check()
    phone.get_by_label("Anything to add? (optional)").fill("Well packed, thank you.")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("status")).to_contain_text("Your answer is saved")
    expect(phone.get_by_role("radio", name="Very happy", exact=True)).to_be_checked()
    with app.app_context():
        answer = db.session.scalar(db.select(Satisfaction))
        assert (answer.touchpoint, answer.score, answer.comment) == (
            "delivery", 5, "Well packed, thank you.")


def test_the_opt_out_page_is_accessible(phone, live_server, app, delivered, axe_violations):
    with app.app_context():
        token = requests.opt_out_token("minji@example.com", app.config["SECRET_KEY"])
    phone.goto(f"{live_server}/reviews/no-requests/{token}")
    expect(phone.get_by_role("button", name="No more review requests")).to_be_visible()
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="No more review requests").click()
    expect(phone.get_by_role("status")).to_contain_text("will get no more requests")


def test_one_tap_on_a_closed_returns_page(phone, live_server, app, make, axe_violations):
    from datetime import timedelta
    from tests.return_helpers import ask, step
    app.config["CLOCK"] = lambda: NOW + timedelta(days=4)
    order = delivered_order(app, shop_with_a_product(make), email="minji@example.com",
                            quantity=2)
    rma = ask(app, order["number"], quantity=1)
    step(app, rma, "approve", "receive", "complete", when=NOW + timedelta(days=3))
    phone.goto(f"{live_server}/returns/{rma}?t={order['token']}")
    expect(phone.get_by_role("heading", name="How did this return go?")).to_be_visible()
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Very happy", exact=True).click()
    expect(phone.get_by_role("status")).to_contain_text("Your answer is saved")
    expect(phone.get_by_role("radio", name="Very happy", exact=True)).to_be_checked()


def test_the_satisfaction_report_is_accessible(phone, live_server, app, make, delivered,
                                               axe_violations):
    from domain.models import Order
    from domain.reviews import satisfaction
    from tests.browser_helpers import sign_in
    with app.app_context():
        order = db.session.get(Order, delivered["id"])
        satisfaction.record(satisfaction.subject_of("delivery", order), 4, "", NOW)
        db.session.commit()
    owner = make.user(email="boss@example.com", merchant=True, name="Boss")
    sign_in(phone, live_server, owner, lands_on="/admin/")
    phone.goto(f"{live_server}/admin/satisfaction")
    expect(phone.get_by_role("img", name=re.compile("Average answer per month"))).to_be_visible()
    expect(phone.get_by_role("cell", name=re.compile("4.0 from 1"))).to_be_visible()
    assert axe_violations(phone) == []
