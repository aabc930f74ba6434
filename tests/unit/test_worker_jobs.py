"""The worker's jobs take effect once however many workers run them at the same moment."""
from datetime import timedelta

import worker
from blueprints.mail import renderer
from domain import mailer
from domain.extensions import db
from domain.models import Order, Variant
from tests.concurrency_helpers import race
from tests.order_helpers import NOW, place


def test_two_workers_expire_an_unpaid_bank_transfer_once(app, setup, tmp_path):
    """One expiry event, one email, and the two units back on the shelf once, not four."""
    place(app, setup, email="guest@example.com", quantity=2)
    with app.app_context():
        on_shelf = db.session.get(Variant, setup["variant"]).stock
    app.config["CLOCK"] = lambda: NOW + timedelta(days=4)
    transport = mailer.EmlTransport(str(tmp_path / "sent"))
    logs = [[], []]
    for _attempt in range(3):
        race([lambda i=i: worker.run_pass(app, transport, renderer(app), logs[i].append)
              for i in range(2)])
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert [event.status for event in order.events] == ["placed", "payment_expired"]
        assert db.session.get(Variant, setup["variant"]).stock == on_shelf + 2
    lines = logs[0] + logs[1]
    assert sum(line == "expired 1 unpaid bank-transfer order" for line in lines) == 1
    assert sum("order_payment_expired" in line for line in lines) == 1
