"""Two clicks on a return's button at the same instant, on a real threaded server: the
provider is asked to refund once, stock moves once, the customer gets one email."""
from domain.extensions import db
from domain.models import OutboxMessage, Payment, ReturnRequest, Variant
from tests.checkout_helpers import CSRF_RE
from tests.web.test_admin_returns import ask, delivered, setup, step  # noqa: F401  (fixture)
from tests.web.test_checkout_concurrency import Buyer, race, server  # noqa: F401  (fixture)


def merchants(make, server, count):  # noqa: F811
    """`count` browsers signed in as the same merchant."""
    boss = make.user(email="boss@example.com", merchant=True)
    browsers = []
    for _ in range(count):
        browser = Buyer(server)
        _, _, html = browser.request("/account/login")
        status, _, _ = browser.request("/account/login", {
            "csrf_token": CSRF_RE.search(html).group(1), "email": boss["email"],
            "password": boss["password"]})
        assert status == 303
        browsers.append(browser)
    return browsers


def clicks(browsers, path, rma, data=None):
    """Every browser opens the return's page, then all press the same button at once."""
    forms = []
    for browser in browsers:
        _, _, html = browser.request(f"/admin/returns/{rma}")
        forms.append({"csrf_token": CSRF_RE.search(html).group(1), **(data or {})})
    return race([lambda b=b, f=f: b.request(f"/admin/returns/{rma}/{path}", f)
                 for b, f in zip(browsers, forms)])


def test_two_refund_clicks_at_once_refund_once(app, make, setup, server):  # noqa: F811
    """Four browsers press "Refund" together: one refund reaches the provider, the others are
    told the return just changed."""
    rma = ask(app, delivered(app, setup), quantity=1)
    step(app, rma, "approve", "receive")
    answers = clicks(merchants(make, server, 4), "complete", rma)
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


def test_two_receive_clicks_at_once_restock_once(app, make, setup, server):  # noqa: F811
    """Three browsers mark the same return received together: its unit goes back on the shelf
    once, not three times."""
    rma = ask(app, delivered(app, setup), quantity=1)
    step(app, rma, "approve")
    with app.app_context():
        ret = db.session.scalar(db.select(ReturnRequest).where(ReturnRequest.number == rma))
        line = ret.lines[0]
        variant_id = line.order_line.variant_id
        before = db.session.get(Variant, variant_id).stock
    answers = clicks(merchants(make, server, 3), "receive", rma, {f"restock-{line.id}": "y"})
    assert sorted(status for status, _, _ in answers) == [303, 422, 422]
    with app.app_context():
        assert db.session.get(Variant, variant_id).stock == before + 1
