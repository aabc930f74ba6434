"""Two clicks on a return's button at the same instant, on a real threaded server: the
provider is asked to refund once, stock moves once, the customer gets one email."""
import re

from domain.extensions import db
from domain.models import OutboxMessage, Payment, ReturnRequest, Variant
from domain.payments import TestCard
from tests.concurrency_helpers import Buyer, race
from tests.order_helpers import delivered_order
from tests.page_helpers import csrf_of
from tests.return_helpers import ask, delivered, step

SEEN_RE = re.compile(r'name="seen" value="([^"]+)"')


def merchants(make, live_server, count):
    """`count` browsers signed in as the same merchant."""
    boss = make.user(email="boss@example.com", merchant=True)
    return [Buyer(live_server).sign_in(boss) for _ in range(count)]


def clicks(browsers, path, rma, data=None):
    """Every browser opens the return's page, then all press the same button at once."""
    forms = []
    for browser in browsers:
        _, _, html = browser.request(f"/admin/returns/{rma}")
        forms.append({"csrf_token": csrf_of(html), "seen": SEEN_RE.search(html).group(1),
                      **(data or {})})
    return race([lambda b=b, f=f: b.request(f"/admin/returns/{rma}/{path}", f)
                 for b, f in zip(browsers, forms)])


def test_two_refund_clicks_at_once_refund_once(app, make, setup, live_server):
    """Four browsers press "Refund" together: one refund reaches the provider, the others are
    told the return just changed."""
    rma = ask(app, delivered(app, setup), quantity=1)
    step(app, rma, "approve", "receive")
    answers = clicks(merchants(make, live_server, 4), "complete", rma)
    assert sorted(status for status, _, _ in answers) == [303, 422, 422, 422]
    assert any("changed a moment ago" in body or "cannot become" in body
               for status, _, body in answers if status == 422)
    with app.app_context():
        ret = db.session.scalar(db.select(ReturnRequest).where(ReturnRequest.number == rma))
        refunds = db.session.scalars(db.select(Payment).where(
            Payment.order_id == ret.order_id, Payment.operation == "refund")).all()
        assert ret.status == "refunded"
        assert [(p.amount, p.status) for p in refunds] == [(ret.refund_amount, "succeeded")]
        kinds = db.session.scalars(db.select(OutboxMessage.kind).where(
            OutboxMessage.kind == "return_refunded")).all()
        assert kinds == ["return_refunded"]


def test_two_receive_clicks_at_once_restock_once(app, make, setup, live_server):
    """Three browsers mark the same return received together: its unit goes back on the shelf
    once, not three times."""
    rma = ask(app, delivered(app, setup), quantity=1)
    step(app, rma, "approve")
    with app.app_context():
        ret = db.session.scalar(db.select(ReturnRequest).where(ReturnRequest.number == rma))
        line = ret.lines[0]
        variant_id = line.order_line.variant_id
        before = db.session.get(Variant, variant_id).stock
    answers = clicks(merchants(make, live_server, 3), "receive", rma, {f"restock-{line.id}": "y"})
    assert sorted(status for status, _, _ in answers) == [303, 422, 422]
    with app.app_context():
        assert db.session.get(Variant, variant_id).stock == before + 1


def test_clicks_on_a_refund_that_fails_ask_the_provider_once_per_page(app, make, setup,
                                                                       live_server):
    """A card whose refunds fail: ten clicks from the same page make one attempt, a click from
    a page drawn before that attempt makes none, and a retry from a page that shows the failure
    makes the next one."""
    number = delivered_order(app, setup, payment="test_card", quantity=1,
                             card=TestCard.REFUND_FAILS)["number"]
    rma = ask(app, number, quantity=1)
    step(app, rma, "approve", "receive")
    browsers = merchants(make, live_server, 10)

    def attempts():
        with app.app_context():
            ret = db.session.scalar(db.select(ReturnRequest).where(ReturnRequest.number == rma))
            return ret.status, db.session.scalars(db.select(Payment.status).where(
                Payment.order_id == ret.order_id, Payment.operation == "refund")).all()

    _, _, stale_page = browsers[0].request(f"/admin/returns/{rma}")
    answers = clicks(browsers, "complete", rma)
    assert sorted(status for status, _, _ in answers) == [303] + [422] * 9
    assert attempts() == ("refund_failed", ["failed"])
    status, _, body = browsers[0].request(f"/admin/returns/{rma}/complete", {
        "csrf_token": csrf_of(stale_page), "seen": SEEN_RE.search(stale_page).group(1)})
    assert status == 422 and "changed a moment ago" in body
    assert attempts() == ("refund_failed", ["failed"])
    assert [status for status, _, _ in clicks(browsers[:1], "complete", rma)] == [303]
    assert attempts() == ("refund_failed", ["failed", "failed"])
