"""Merchant alerts: one email per event to the shop's address (else to every merchant), in the
merchant's language, beside the customer's own copy; none when switched off, for what the
merchant did in the back office, or for an event rolled back; low stock once per crossing;
mail failing once per failing period, however many workers check."""
import threading
from datetime import timedelta

import pytest

import worker
from domain import alerts, mailer, notify, orders, returns, shopconfig, transaction
from domain import cart as carts
from domain.errors import PaymentDeclined
from domain.extensions import db
from domain.models import Order, OutboxMessage, User, Variant
from tests.order_helpers import ADDRESS, NOW, advance, delivered_order, place
from tests.return_helpers import ask, delivered, step
from tests.smtp_helpers import DeadPort, smtp_server

SHOP_EMAIL = "studio@moonjar.example"
REFUND_FAILS = "4000000000000341"


def alerts_queued(app):
    """[(kind, to, locale)] of the merchant alerts queued so far, oldest first."""
    with app.app_context():
        return [(m.kind, m.to_address, m.locale) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind.startswith("alert_"))
            .order_by(OutboxMessage.id))]


def alert_data(app, kind):
    with app.app_context():
        return [m.data for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))]


def customer_kinds(app):
    with app.app_context():
        return [m.kind for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.to_address == "minji@example.com")
            .order_by(OutboxMessage.id))]


def set_locale(app, email, locale):
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == email)).locale = locale
        db.session.commit()


@pytest.fixture
def shop(app, make, setup):
    """The moon-jar shop (₩39,000, 50 in stock) with a contact address."""
    make.settings(email=SHOP_EMAIL)
    return setup


def test_a_new_order_alerts_the_shop_address_once_beside_the_customers_copy(app, shop):
    """A card order: the merchant gets "new order", the customer their confirmation; the same
    checkout sent again makes neither again."""
    order = place(app, shop, payment="test_card", token="tok-card")
    place(app, shop, payment="test_card", token="tok-card")
    assert alerts_queued(app) == [("alert_new_order", SHOP_EMAIL, "en")]
    assert customer_kinds(app) == ["order_placed"]
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "alert_new_order"))
        assert message.order.number == order["number"]


def test_a_bank_transfer_order_is_announced_as_a_transfer_to_confirm(app, shop):
    """One email, not two: the transfer alert says it is a new order too."""
    place(app, shop, payment="bank_transfer")
    assert alerts_queued(app) == [("alert_transfer_to_confirm", SHOP_EMAIL, "en")]


def test_the_alert_is_in_the_language_of_the_merchant_reading_the_address(app, make, shop):
    """The account with the shop's address reads Korean; with no such account, the
    catalogue's main language decides."""
    make.user(email=SHOP_EMAIL, merchant=True)
    set_locale(app, SHOP_EMAIL, "ko")
    place(app, shop, payment="test_card", token="tok-1")
    make.settings(email="orders@moonjar.example", main_language="ko")
    place(app, shop, payment="test_card", token="tok-2")
    make.settings(main_language="en")
    place(app, shop, payment="test_card", token="tok-3")
    assert alerts_queued(app) == [("alert_new_order", SHOP_EMAIL, "ko"),
                                  ("alert_new_order", "orders@moonjar.example", "ko"),
                                  ("alert_new_order", "orders@moonjar.example", "en")]


def test_without_a_shop_address_every_merchant_gets_one_in_their_language(app, make, setup):
    """No contact address: each merchant account, not the customers' accounts."""
    make.user(email="minji@moonjar.example", merchant=True)
    make.user(email="joon@moonjar.example", merchant=True)
    make.user(email="shopper@example.com")
    set_locale(app, "minji@moonjar.example", "ko")
    place(app, setup, payment="test_card")
    assert alerts_queued(app) == [("alert_new_order", "minji@moonjar.example", "ko"),
                                  ("alert_new_order", "joon@moonjar.example", "en")]


def test_a_shop_with_no_address_and_no_merchant_alerts_nobody(app, setup):
    place(app, setup, payment="test_card")
    assert alerts_queued(app) == []
    assert customer_kinds(app) == ["order_placed"]


def test_an_alert_switched_off_is_not_sent(app, make, shop):
    """New orders off: a card order alerts nobody. Transfers off: a bank-transfer order is
    announced as a new order. Both off: nothing."""
    make.settings(alerts_off=["new_order"])
    place(app, shop, payment="test_card")
    assert alerts_queued(app) == []
    make.settings(alerts_off=["transfer_to_confirm"])
    place(app, shop, payment="bank_transfer", token="tok-2")
    assert alerts_queued(app) == [("alert_new_order", SHOP_EMAIL, "en")]
    make.settings(alerts_off=["transfer_to_confirm", "new_order"])
    place(app, shop, payment="bank_transfer", token="tok-3")
    assert len(alerts_queued(app)) == 1


def test_an_order_that_is_rolled_back_alerts_nobody(app, shop):
    """A placement whose transaction fails after the order was written takes its alerts with
    it, and so does a declined card."""
    class Later(Exception):
        pass

    checkout = orders.Checkout(checkout_token="tok-rolled-back", email="minji@example.com",
                               address=dict(ADDRESS), shipping_method_id=shop["method"],
                               payment_method="bank_transfer")
    with pytest.raises(Later), app.test_request_context(), transaction.unit_of_work():
        config = shopconfig.current()
        _order, created = orders.place_order(
            config, carts.GuestCart({str(shop["variant"]): 1}), checkout, NOW)
        queued = db.session.scalars(db.select(OutboxMessage.kind)).all()
        assert created and "alert_transfer_to_confirm" in queued
        raise Later()
    with pytest.raises(PaymentDeclined):
        place(app, shop, payment="test_card", card="4000000000000002")
    assert alerts_queued(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_low_stock_alerts_once_per_crossing(app, make, shop):
    """Threshold 5, seven in stock: the sale that leaves 5 alerts, the ones before and after do
    not. Two cancellations bring it back to 6; the sale that takes it to 4 crosses again."""
    make.settings(low_stock_threshold=5)
    vase = make.product("Vase", variants=[{"sku": "VS-1", "option1": "White", "price": 20000,
                                           "stock": 7}], option1_name="Colour")
    variant = vase["variant_ids"][0]

    def buy(quantity, n):
        return place(app, shop, payment="test_card", items={str(variant): quantity},
                     token=f"vase-{n}")["number"]

    first = buy(1, 1)
    assert alert_data(app, "alert_low_stock") == []
    second = buy(1, 2)
    [alert] = alert_data(app, "alert_low_stock")
    assert (alert["sku"], alert["left"], alert["threshold"], alert["title"],
            alert["variant_title"]) == ("VS-1", 5, 5, "Vase", "White")
    buy(1, 3)
    assert len(alert_data(app, "alert_low_stock")) == 1
    advance(app, first, "cancelled")
    advance(app, second, "cancelled")
    with app.app_context():
        assert db.session.get(Variant, variant).stock == 6
    buy(2, 4)
    assert [a["left"] for a in alert_data(app, "alert_low_stock")] == [5, 4]
    assert [k for k, _to, _l in alerts_queued(app)].count("alert_low_stock") == 2


def test_a_customers_return_request_alerts_the_merchant(app, make, shop):
    """The customer's request alerts once; a return the merchant enters alerts nobody."""
    number = delivered(app, shop)
    rma = ask(app, number)
    with app.app_context():
        ret = returns.by_number(rma)
        assert alert_data(app, "alert_return_requested") == [{"return_id": ret.id}]
        order = orders.by_number(number)
        config = shopconfig.current()
        returns.request_return(order, [returns.Selection(order.lines[0].id, 1)], "refund",
                               "damaged", "", "dropoff", "by-the-merchant", NOW + timedelta(days=1),
                               config, actor="merchant:boss@example.com")
        db.session.commit()
    assert len(alert_data(app, "alert_return_requested")) == 1


def test_a_refund_the_merchant_did_not_see_fail_alerts_once_per_attempt(app, make, shop):
    """A customer's cancellation whose card refund fails alerts the merchant; the same failure
    in the back office is on the merchant's screen and alerts nobody. A refund tried again by
    the system and failing again alerts again: one alert per failed attempt."""
    make.settings(undo_minutes=30)
    by_customer = place(app, shop, payment="test_card", card=REFUND_FAILS, token="c-1")
    by_merchant = place(app, shop, payment="test_card", card=REFUND_FAILS, token="c-2")
    with app.test_request_context():
        orders.cancel_by_customer(orders.by_number(by_customer["number"]), NOW)
        orders.set_status(orders.by_number(by_merchant["number"]), "cancelled",
                          "merchant:boss@example.com", NOW)
        db.session.commit()
    [alert] = alert_data(app, "alert_refund_failed")
    assert alert["amount"] == 42000 and "declined the refund" in alert["message"]

    number = delivered_order(app, shop, payment="test_card", card=REFUND_FAILS, quantity=2,
                             token="r-1")["number"]
    rma = ask(app, number)
    step(app, rma, "approve", "receive")
    for actor in ("merchant:boss@example.com", "system", "system"):
        with app.test_request_context():
            returns.complete(returns.by_number(rma), actor, NOW + timedelta(days=2))
            db.session.commit()
    failed = alert_data(app, "alert_refund_failed")
    assert len(failed) == 3
    assert failed[1]["return_id"] == failed[2]["return_id"]
    assert failed[1]["payment_id"] != failed[2]["payment_id"]


def test_an_expired_transfer_alerts_once_when_two_workers_expire_it_at_once(app, monkeypatch, shop):
    """Both workers find the order due; one expires it: the stock comes back once, and the
    customer and the merchant hear of it once."""
    placed = place(app, shop, payment="bank_transfer")
    both_looked = threading.Barrier(2, timeout=10)
    look = orders.unpaid_past_due

    def looked_together(now):
        due = look(now)
        both_looked.wait()
        return due

    monkeypatch.setattr(orders, "unpaid_past_due", looked_together)
    later, counts, errors = NOW + timedelta(days=4), [], []

    def run():
        try:
            with app.app_context(), transaction.unit_of_work():
                counts.append(orders.expire_unpaid(later))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and sorted(counts) == [0, 1]
    assert alerts_queued(app) == [("alert_transfer_to_confirm", SHOP_EMAIL, "en"),
                                  ("alert_payment_expired", SHOP_EMAIL, "en")]
    assert customer_kinds(app) == ["order_placed", "order_payment_expired"]
    with app.app_context():
        assert db.session.get(Variant, shop["variant"]).stock == 50
        order = orders.by_number(placed["number"])
        assert [e.status for e in order.events] == ["placed", "payment_expired"]


def test_a_transfer_the_merchant_marks_expired_alerts_nobody(app, shop):
    placed = place(app, shop, payment="bank_transfer")
    advance(app, placed["number"], "payment_expired")
    assert [k for k, _to, _l in alerts_queued(app)] == ["alert_transfer_to_confirm"]


def render(message):
    return mailer.compose(message, "Shop <shop@moonjar.example>", "Hello", "text", "<p>html</p>")


def fail_pass(at):
    """A worker's sending pass with the mail server down."""
    dead = DeadPort()
    try:
        return mailer.send_due(at, mailer.SMTPTransport(f"smtp://127.0.0.1:{dead.port}", timeout=5),
                               render)
    finally:
        dead.release()


def check(app, at):
    with app.app_context(), transaction.unit_of_work():
        return alerts.check_mail(at)


def test_mail_failing_for_over_an_hour_alerts_once_per_failing_period(app, ctx, shop):
    """No alert in the first hour; one after it, however long the failure lasts. Once every
    email has gone out, the next failure is a new period with an alert of its own."""
    notify.enqueue("order_paid", "minji@example.com", "en", now=NOW)
    db.session.commit()
    fail_pass(NOW)
    assert check(app, NOW + timedelta(minutes=59)) == 0
    assert check(app, NOW + timedelta(minutes=61)) == 1
    for hours in (2, 3, 5):
        fail_pass(NOW + timedelta(hours=hours))
        assert check(app, NOW + timedelta(hours=hours, minutes=1)) == 0
    [alert] = alert_data(app, "alert_mail_failing")
    assert alert["count"] == 1 and "ConnectionRefusedError" in alert["error"]
    assert alert["since"] == NOW.isoformat()

    back = NOW + timedelta(hours=6)
    with smtp_server() as (inbox, port):
        sent = mailer.send_due(back, mailer.SMTPTransport(f"smtp://127.0.0.1:{port}", timeout=5),
                               render)
    assert [o.kind for o in sent] == ["order_paid", "alert_mail_failing"] and all(o.sent for o in sent)
    assert check(app, back) == 0

    notify.enqueue("order_shipped", "minji@example.com", "en", now=back)
    db.session.commit()
    fail_pass(back)
    assert check(app, back + timedelta(minutes=30)) == 0
    assert check(app, back + timedelta(minutes=61)) == 1
    assert alerts_queued(app)[-2:] == [("alert_mail_failing", SHOP_EMAIL, "en")] * 2


def test_a_message_put_aside_is_not_mail_failing(app, ctx, shop):
    """An email that can never be built is shown on the dashboard; the mail server is fine."""
    notify.enqueue("order_paid", "not an address", "en", now=NOW)
    db.session.commit()
    fail_pass(NOW)
    assert check(app, NOW + timedelta(hours=2)) == 0


def test_two_workers_checking_at_once_queue_one_mail_alert(app, monkeypatch, shop):
    """Both workers see mail failing for over an hour and no alert yet; one alert is queued."""
    with app.app_context():
        notify.enqueue("order_paid", "minji@example.com", "en", now=NOW)
        db.session.commit()
        fail_pass(NOW)
    both_looked = threading.Barrier(2, timeout=10)
    look = alerts.failing_too_long

    def looked_together(now):
        failing = look(now)
        both_looked.wait()
        return failing

    monkeypatch.setattr(alerts, "failing_too_long", looked_together)
    app.config["CLOCK"] = lambda: NOW + timedelta(hours=2)
    dead = DeadPort()
    transport = mailer.SMTPTransport(f"smtp://127.0.0.1:{dead.port}", timeout=5)
    logs, errors = [], []

    def run_worker():
        try:
            worker.run_pass(app, transport, render, logs.append)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run_worker) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        dead.release()
    assert errors == []
    assert [line for line in logs if "failed for over an hour" in line] == \
        ["mail has failed for over an hour: the merchant's alert is queued"]
    assert alerts_queued(app) == [("alert_mail_failing", SHOP_EMAIL, "en")]
