"""Make it right: a goodwill refund or store credit from the back-office order page, outside a
return, never past what is left to give back, once per click, with one email."""
import re

import pytest

from domain import credit
from domain.extensions import db
from domain.models import CreditEntry, OrderEvent, OutboxMessage, Payment
from domain.payments import TestCard
from tests.concurrency_helpers import Buyer, race
from tests.order_helpers import NOW, delivered_order
from tests.page_helpers import csrf_of
from tests.return_helpers import ask, step

SEEN_RE = re.compile(r'name="seen" type="hidden" value="([^"]+)"|name="seen" value="([^"]+)"')


def seen_of(html):
    found = SEEN_RE.search(html)
    return found.group(1) or found.group(2)


def give(client, number, **fields):
    """Send the order page's "Make it right" form as the page hands it out."""
    html = client.get(f"/admin/orders/{number}").get_data(as_text=True)
    data = {"csrf_token": csrf_of(html), "seen": seen_of(html), "kind": "refund",
            "reason": "The parcel was a week late.", **fields}
    return client.post(f"/admin/orders/{number}/goodwill", data=data)


def state(app, number):
    """(refunds [(amount, status, reference)], goodwill credit, goodwill events, emails)."""
    with app.app_context():
        from domain import orders
        order = orders.by_number(number)
        refunds = [(p.amount, p.status, p.reference) for p in db.session.scalars(
            db.select(Payment).where(Payment.order_id == order.id, Payment.operation == "refund"))]
        credit_given = db.session.scalars(db.select(CreditEntry.amount).where(
            CreditEntry.order_id == order.id, CreditEntry.goodwill.is_(True))).all()
        events = [(e.status, e.note) for e in db.session.scalars(db.select(OrderEvent).where(
            OrderEvent.order_id == order.id, OrderEvent.status.like("goodwill%")))]
        emails = db.session.scalars(db.select(OutboxMessage.data).where(
            OutboxMessage.kind == "order_goodwill")).all()
        return refunds, credit_given, events, emails


@pytest.fixture
def card_order(app, setup, make):
    """A customer's ₩42,000 order (a ₩39,000 jar and ₩3,000 shipping), paid by card."""
    customer = make.user(email="minji@example.com")
    return delivered_order(app, setup, payment="test_card", user_id=customer["id"],
                           token="goodwill-card")["number"]


def test_a_partial_goodwill_refund_goes_to_the_card_with_an_event_and_one_email(
        app, client, merchant, card_order):
    """₩5,000 back for a late parcel: a card refund, the history names it, one email says why."""
    response = give(client, card_order, amount="5,000")
    assert response.status_code == 303
    refunds, given, events, emails = state(app, card_order)
    assert [(a, s) for a, s, _ in refunds] == [(5000, "succeeded")]
    assert given == [] and len(events) == 1 and events[0][0] == "goodwill_refund"
    assert "The parcel was a week late." in events[0][1]
    assert emails == [{"kind": "refund", "amount": 5000, "reason": "The parcel was a week late."}]
    page = client.get(f"/admin/orders/{card_order}").get_data(as_text=True)
    assert "Goodwill refund" in page and "Left to give back: ₩37,000 as a refund" in page


def test_the_whole_order_can_go_back_and_then_nothing_more(app, client, merchant, card_order):
    """₩42,000 is all of it: refunded, the form is gone, a forged second one is refused."""
    assert give(client, card_order, amount="42000").status_code == 303
    page = client.get(f"/admin/orders/{card_order}").get_data(as_text=True)
    assert "Make it right" not in page
    again = client.post(f"/admin/orders/{card_order}/goodwill", data={
        "csrf_token": csrf_of(page), "seen": "", "kind": "refund", "amount": "1",
        "reason": "Again"})
    assert again.status_code == 422
    refunds, _, events, emails = state(app, card_order)
    assert [a for a, _, _ in refunds] == [42000] and len(events) == len(emails) == 1


def test_more_than_is_left_is_refused_with_the_limit_and_nothing_changes(
        app, client, merchant, setup, card_order):
    """After a returned jar refunded ₩39,000, ₩3,001 is refused: "At most ₩3,000"."""
    rma = ask(app, card_order)
    step(app, rma, "approve", "receive", "complete")
    before = state(app, card_order)
    response = give(client, card_order, amount="3001")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "At most ₩3,000 can still go back for this order. Nothing was refunded." in html
    assert 'id="goodwill-amount-error"' in html
    assert state(app, card_order) == before


@pytest.mark.parametrize("amount, message", [("0", "Enter an amount above zero."),
                                             ("", "Enter an amount above zero."),
                                             ("12.5", "KRW amounts have no decimal places.")])
def test_a_missing_or_wrong_amount_is_refused(app, client, merchant, card_order, amount, message):
    response = give(client, card_order, amount=amount)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert state(app, card_order) == ([], [], [], [])


def test_store_credit_goes_on_the_customer_s_account_and_counts_against_what_is_left(
        app, client, merchant, card_order):
    """₩10,000 of credit: the balance grows, the email says store credit, and a refund of
    ₩32,001 is then refused (₩32,000 left)."""
    assert give(client, card_order, kind="credit", amount="10000").status_code == 303
    _, given, events, emails = state(app, card_order)
    assert given == [10000] and events[0][0] == "goodwill_credit"
    assert emails[0]["kind"] == "credit"
    with app.app_context():
        from domain import orders
        assert credit.balance(orders.by_number(card_order).user_id) == 10000
    assert give(client, card_order, amount="32001").status_code == 422
    assert give(client, card_order, amount="32000").status_code == 303


def test_a_bank_transfer_needs_the_reference_of_the_money_sent(app, client, merchant, setup):
    """Bank transfer: refused without the reference; recorded with it."""
    number = delivered_order(app, setup, payment="bank_transfer", token="goodwill-bank")["number"]
    refused = give(client, number, amount="5000")
    assert refused.status_code == 422
    assert "then enter the reference of that transfer" in refused.get_data(as_text=True)
    assert give(client, number, amount="5000", reference="Hana 7781").status_code == 303
    refunds, _, _, _ = state(app, number)
    assert refunds == [(5000, "succeeded", "Hana 7781")]


def test_a_refund_the_card_refuses_gives_nothing_back(app, client, merchant, setup):
    """The test card whose refunds fail: the provider's words, the attempt kept as failed, no
    event, no email, and the full amount still left to give back."""
    number = delivered_order(app, setup, payment="test_card", card=TestCard.REFUND_FAILS,
                             token="goodwill-fails")["number"]
    response = give(client, number, amount="5000")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The payment provider refused the refund" in page
    assert "Left to give back: ₩42,000 as a refund" in page
    refunds, given, events, emails = state(app, number)
    assert [(a, s) for a, s, _ in refunds] == [(5000, "failed")]
    assert (given, events, emails) == ([], [], [])


def test_a_guest_cannot_get_store_credit(app, client, merchant, setup):
    number = delivered_order(app, setup, payment="test_card", token="goodwill-guest")["number"]
    response = give(client, number, kind="credit", amount="5000")
    assert response.status_code == 422
    assert "this order was placed as a guest" in response.get_data(as_text=True)


def test_without_the_csrf_token_nothing_is_refunded(app, client, merchant, card_order):
    response = client.post(f"/admin/orders/{card_order}/goodwill", data={
        "kind": "refund", "amount": "5000", "reason": "Late"})
    assert response.status_code in (400, 422)
    assert state(app, card_order) == ([], [], [], [])


def test_a_customer_cannot_reach_the_form(app, client, make, login, card_order):
    login(make.user(email="other@example.com"))
    html = client.get("/").get_data(as_text=True)
    response = client.post(f"/admin/orders/{card_order}/goodwill", data={
        "csrf_token": csrf_of(html), "kind": "refund", "amount": "5000", "reason": "Late"})
    assert response.status_code in (302, 303, 403, 404)
    assert state(app, card_order) == ([], [], [], [])


def test_four_clicks_at_once_refund_once(app, make, setup, live_server, card_order):
    """Four browsers send the same page's form together: one refund, one event, one email."""
    boss = make.user(email="boss@example.com", merchant=True)
    browsers = [Buyer(live_server).sign_in(boss) for _ in range(4)]
    forms = []
    for browser in browsers:
        _, _, html = browser.request(f"/admin/orders/{card_order}")
        forms.append({"csrf_token": csrf_of(html), "seen": seen_of(html), "kind": "refund",
                      "amount": "5000", "reason": "Late parcel"})
    answers = race([lambda b=b, f=f: b.request(f"/admin/orders/{card_order}/goodwill", f)
                    for b, f in zip(browsers, forms)])
    assert sorted(status for status, _, _ in answers) == [303, 422, 422, 422]
    assert any("changed a moment ago" in body for status, _, body in answers if status == 422)
    refunds, _, events, emails = state(app, card_order)
    assert [a for a, _, _ in refunds] == [5000] and len(events) == len(emails) == 1
