"""Card payments on the provider's page, end to end against the stand-ins of Stripe and Toss
(tests/payment_fakes/, real HTTP): the order waits for the payment, is paid exactly once
however the return and the webhooks arrive, expires and gives its stock back once, and a late
payment is refunded through the provider with the merchant told."""
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from domain import orders
from domain import payments as payment_methods
from domain.extensions import db
from domain.models import CardCharge, Order, OrderEvent, Payment
from domain.payments.providers import PaymentRequest, ProviderConfig
from domain.payments.providers.stripe_checkout import StripeCheckout
from domain.money import Money
from domain.transaction import unit_of_work
from tests.checkout_helpers import add_to_cart, checkout_form, outbox_kinds, stock_of
from tests.page_helpers import csrf_of
from tests.payment_fakes import stripe_fake as stripe_module
from tests.payment_fakes import toss_fake as toss_module


@pytest.fixture
def cards(app, stripe_fake, toss_fake):
    """The shop configured with both providers, pointed at their stand-ins."""
    app.config.update(
        STRIPE_SECRET_KEY=stripe_module.SECRET_KEY,
        STRIPE_WEBHOOK_SECRET=stripe_module.WEBHOOK_SECRET,
        STRIPE_API_BASE=stripe_fake.base_url, TOSS_SECRET_KEY=toss_module.SECRET_KEY,
        TOSS_CLIENT_KEY=toss_module.CLIENT_KEY, TOSS_API_BASE=toss_fake.base_url,
        PAYMENT_PROVIDER_TIMEOUT=1)
    return {"stripe": stripe_fake, "toss": toss_fake}


def place(client, shop, method="stripe"):
    """A guest buys a small moon jar (₩42,000 with shipping) with `method`; the answer."""
    add_to_cart(client, shop["small"])
    return client.post("/checkout", data=checkout_form(client, shop, payment_method=method))


def the_order(app):
    with app.app_context():
        order = db.session.scalars(db.select(Order)).one()
        return {"number": order.number, "status": order.status, "id": order.id}


def local(url):
    parts = urlsplit(url)
    return parts.path + "?" + parts.query


def stripe_order(client, checkout_shop, cards):
    """A Stripe order on its way: (order dict, session id)."""
    response = place(client, checkout_shop, "stripe")
    assert response.status_code == 303
    assert response.location.startswith(cards["stripe"].base_url + "/c/pay/cs_")
    return response.location.rsplit("/", 1)[1]


def facts(app, order_id):
    """What a shopper and merchant would notice: status, captures, paid events, paid emails,
    the provider's payments recorded."""
    with app.app_context():
        db.session.expire_all()
        order = db.session.get(Order, order_id)
        return {
            "status": order.status,
            "captures": [p.amount for p in order.payments if p.operation == "capture"],
            "paid_events": db.session.scalar(db.select(db.func.count(OrderEvent.id)).where(
                OrderEvent.order_id == order_id, OrderEvent.status == "paid")),
            "paid_emails": outbox_kinds().count("order_paid"),
            "charges": db.session.scalar(db.select(db.func.count(CardCharge.id))),
        }


PAID_ONCE = {"status": "paid", "captures": [42000], "paid_events": 1, "paid_emails": 1,
             "charges": 1}


def completed_event(fake, session_id):
    return next(e for e in fake.events if e["type"] == "checkout.session.completed"
                and e["data"]["object"]["id"] == session_id)


def post_stripe_webhook(client, event, secret=stripe_module.WEBHOOK_SECRET):
    payload = json.dumps(event)
    return client.post("/payments/webhooks/stripe", data=payload, content_type="application/json",
                       headers={"Stripe-Signature": stripe_module.sign(payload, secret)})


def test_checkout_offers_the_configured_provider_by_name(client, checkout_shop, cards):
    add_to_cart(client, checkout_shop["small"])
    html = client.get("/checkout").get_data(as_text=True)
    assert "Card, processed by Stripe" in html
    assert "Card, processed by Toss Payments" in html
    assert html.index("Card, processed by Stripe") < html.index("Bank transfer")


def test_without_keys_no_card_provider_is_offered_or_accepted(app, client, checkout_shop):
    add_to_cart(client, checkout_shop["small"])
    assert "processed by Stripe" not in client.get("/checkout").get_data(as_text=True)
    response = client.post("/checkout", data=checkout_form(client, checkout_shop,
                                                           payment_method="stripe"))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_stripe_order_awaits_payment_with_its_stock_taken(app, client, checkout_shop, cards):
    stripe_order(client, checkout_shop, cards)
    order = the_order(app)
    assert order["status"] == "awaiting_payment"
    with app.app_context():
        assert stock_of(checkout_shop["small"]) == 9


def test_return_then_webhook_pays_once(app, client, checkout_shop, cards):
    session_id = stripe_order(client, checkout_shop, cards)
    back = client.get(local(cards["stripe"].pay(session_id)))
    assert back.status_code == 303
    page = client.get(back.location).get_data(as_text=True)
    assert "Thank you: your card payment was received." in page
    event = completed_event(cards["stripe"], session_id)
    assert post_stripe_webhook(client, event).status_code == 200
    assert facts(app, the_order(app)["id"]) == PAID_ONCE


def test_webhook_then_return_pays_once(app, client, checkout_shop, cards):
    session_id = stripe_order(client, checkout_shop, cards)
    success = cards["stripe"].pay(session_id)
    event = completed_event(cards["stripe"], session_id)
    assert post_stripe_webhook(client, event).status_code == 200
    assert the_order(app)["status"] == "paid"
    back = client.get(local(success))
    assert "your card payment was received" in client.get(back.location).get_data(as_text=True)
    assert facts(app, the_order(app)["id"]) == PAID_ONCE


def test_two_webhooks_pay_once(app, client, checkout_shop, cards):
    session_id = stripe_order(client, checkout_shop, cards)
    cards["stripe"].pay(session_id)
    event = completed_event(cards["stripe"], session_id)
    assert [post_stripe_webhook(client, event).status_code for _ in range(2)] == [200, 200]
    assert facts(app, the_order(app)["id"]) == PAID_ONCE


def test_twenty_concurrent_webhooks_pay_once(app, client, checkout_shop, cards, live_server):
    session_id = stripe_order(client, checkout_shop, cards)
    cards["stripe"].pay(session_id)
    statuses = cards["stripe"].send(live_server + "/payments/webhooks/stripe",
                                    completed_event(cards["stripe"], session_id), times=20,
                                    concurrently=True)
    assert statuses == [200] * 20
    assert facts(app, the_order(app)["id"]) == PAID_ONCE


def test_badly_signed_or_unsigned_webhooks_change_nothing(app, client, checkout_shop, cards,
                                                          caplog):
    session_id = stripe_order(client, checkout_shop, cards)
    cards["stripe"].pay(session_id)
    event = completed_event(cards["stripe"], session_id)
    assert post_stripe_webhook(client, event, secret="whsec_someone_else").status_code == 400
    assert client.post("/payments/webhooks/stripe", data=json.dumps(event),
                       content_type="application/json").status_code == 400
    assert the_order(app)["status"] == "awaiting_payment"
    assert sum("stripe webhook rejected" in r.getMessage() for r in caplog.records) == 2


def test_a_webhook_for_an_unknown_order_changes_nothing(app, client, checkout_shop, cards):
    stripe_order(client, checkout_shop, cards)
    adapter = StripeCheckout(ProviderConfig.from_mapping(app.config))
    other = adapter.start(PaymentRequest("ZZZ-ZZZZ-1", Money(42000, "KRW"), "Elsewhere",
                                         "http://shop.test/ok", "http://shop.test/no"), "k-other")
    cards["stripe"].pay(other.reference)
    response = post_stripe_webhook(client, completed_event(cards["stripe"], other.reference))
    assert response.status_code == 400
    assert facts(app, the_order(app)["id"])["status"] == "awaiting_payment"
    assert facts(app, the_order(app)["id"])["charges"] == 0


def expire(app, minutes=31):
    with app.app_context(), unit_of_work():
        return orders.expire_unpaid(orders_now() + timedelta(minutes=minutes))


def orders_now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


def test_unpaid_card_order_expires_once_and_gives_its_stock_back(app, client, checkout_shop, cards):
    stripe_order(client, checkout_shop, cards)
    assert expire(app, minutes=29) == 0
    assert expire(app) == 1
    assert expire(app) == 0
    assert the_order(app)["status"] == "payment_expired"
    with app.app_context():
        assert stock_of(checkout_shop["small"]) == 10


def test_a_webhook_after_expiry_is_refunded_and_the_merchant_told(app, client, make, checkout_shop,
                                                                 cards):
    make.user("owner@example.com", merchant=True)
    session_id = stripe_order(client, checkout_shop, cards)
    assert expire(app) == 1
    cards["stripe"].pay(session_id)
    event = completed_event(cards["stripe"], session_id)
    assert [post_stripe_webhook(client, event).status_code for _ in range(2)] == [200, 200]
    order = the_order(app)
    assert order["status"] == "payment_expired"
    intent = next(iter(cards["stripe"].intents.values()))
    assert intent["amount_refunded"] == 42000
    assert len(cards["stripe"].refunds) == 1
    with app.app_context():
        assert outbox_kinds().count("alert_late_card_payment") == 1
        assert stock_of(checkout_shop["small"]) == 10


def test_expiry_racing_a_late_webhook_releases_stock_once(app, client, checkout_shop, cards,
                                                          live_server):
    session_id = stripe_order(client, checkout_shop, cards)
    cards["stripe"].pay(session_id)
    import threading
    sender = threading.Thread(target=cards["stripe"].send, args=(
        live_server + "/payments/webhooks/stripe", completed_event(cards["stripe"], session_id)),
        kwargs={"times": 5, "concurrently": True})
    sender.start()
    expire(app)
    sender.join()
    status = the_order(app)["status"]
    intent = next(iter(cards["stripe"].intents.values()))
    with app.app_context():
        left = stock_of(checkout_shop["small"])
    if status == "paid":
        assert (left, intent["amount_refunded"]) == (9, 0)
    else:
        assert (status, left, intent["amount_refunded"]) == ("payment_expired", 10, 42000)


def test_a_cancelled_stripe_payment_returns_to_pay_now(app, client, checkout_shop, cards):
    session_id = stripe_order(client, checkout_shop, cards)
    cancel_url = cards["stripe"].sessions[session_id]["cancel_url"]
    back = client.get(local(cancel_url))
    page = client.get(back.location).get_data(as_text=True)
    assert "nothing was charged" in page
    assert "Pay now" in page
    assert the_order(app)["status"] == "awaiting_payment"
    number = the_order(app)["number"]
    token = parse_qs(urlsplit(back.location).query)["t"][0]
    again = client.post(f"/payments/{number}/pay", data={"csrf_token": csrf_of(page), "t": token})
    assert again.status_code == 303
    second = again.location.rsplit("/", 1)[1]
    assert second != session_id
    keys = [s.headers.get("Idempotency-Key") for s in
            cards["stripe"].requests_to("POST", "/v1/checkout/sessions")]
    assert len(set(keys)) == 2
    client.get(local(cards["stripe"].pay(second)))
    assert facts(app, the_order(app)["id"]) == PAID_ONCE


def test_switching_to_bank_transfer_while_awaiting_payment(app, client, checkout_shop, cards):
    session_id = stripe_order(client, checkout_shop, cards)
    back = client.get(local(cards["stripe"].sessions[session_id]["cancel_url"]))
    page = client.get(back.location).get_data(as_text=True)
    number = the_order(app)["number"]
    token = parse_qs(urlsplit(back.location).query)["t"][0]
    response = client.post(f"/payments/{number}/method", data={
        "csrf_token": csrf_of(page), "t": token, "payment_method": "bank_transfer"})
    assert response.status_code == 303
    with app.app_context():
        order = db.session.scalars(db.select(Order)).one()
        assert (order.status, order.payment_method) == ("placed", "bank_transfer")
        assert order.pay_by is not None


def toss_order(client, checkout_shop):
    response = place(client, checkout_shop, "toss")
    assert response.status_code == 303
    page = client.get(response.location)
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "https://js.tosspayments.com" in csp
    html = page.get_data(as_text=True)
    sdk = json.loads(html.split('data-sdk="', 1)[1].split('"', 1)[0].replace("&#34;", '"')
                     .replace("&amp;", "&"))
    return sdk


def test_toss_pays_once_on_return_and_webhook(app, client, checkout_shop, cards):
    sdk = toss_order(client, checkout_shop)
    assert sdk["amount"] == {"currency": "KRW", "value": 42000}
    success = cards["toss"].pay_in_window(sdk["orderId"], 42000, sdk["successUrl"])
    client.get(local(success))
    event = cards["toss"].events[-1]
    response = client.post("/payments/webhooks/toss", data=json.dumps(event),
                           content_type="application/json")
    assert response.status_code == 200
    assert facts(app, the_order(app)["id"]) == PAID_ONCE


def test_other_pages_keep_the_shop_csp(client, checkout_shop, cards):
    assert "tosspayments" not in client.get("/").headers["Content-Security-Policy"]


def test_a_tampered_toss_amount_is_refused(app, client, checkout_shop, cards):
    sdk = toss_order(client, checkout_shop)
    success = cards["toss"].pay_in_window(sdk["orderId"], 42000, sdk["successUrl"])
    tampered = success.replace("amount=42000", "amount=1000")
    back = client.get(local(tampered))
    page = client.get(back.location).get_data(as_text=True)
    assert "does not match" in page
    assert cards["toss"].requests_to("POST", "/v1/payments/confirm") == []
    # Changed in the window itself: Toss refuses the confirmation for the expected amount.
    cheap = cards["toss"].pay_in_window(sdk["orderId"], 1000,
                                        sdk["successUrl"]).replace("amount=1000", "amount=42000")
    client.get(local(cheap))
    assert facts(app, the_order(app)["id"])["status"] == "awaiting_payment"
    assert facts(app, the_order(app)["id"])["charges"] == 0


@pytest.mark.parametrize("fault", ["timeout", "5xx"])
def test_toss_confirm_fault_pays_nothing_and_a_retry_is_safe(app, client, checkout_shop, cards,
                                                             fault):
    sdk = toss_order(client, checkout_shop)
    success = local(cards["toss"].pay_in_window(sdk["orderId"], 42000, sdk["successUrl"]))
    if fault == "timeout":
        cards["toss"].answer_slowly(1.5)
    else:
        cards["toss"].fail_next(1, 500)
    back = client.get(success)
    page = client.get(back.location).get_data(as_text=True)
    assert "could not be reached" in page
    assert the_order(app)["status"] == "awaiting_payment"
    cards["toss"].answer_slowly(0)
    client.get(success)
    assert facts(app, the_order(app)["id"]) == PAID_ONCE


def paid_stripe_order(app, client, checkout_shop, cards):
    session_id = stripe_order(client, checkout_shop, cards)
    client.get(local(cards["stripe"].pay(session_id)))
    assert the_order(app)["status"] == "paid"


def test_cancelling_a_paid_card_order_refunds_through_stripe(app, client, checkout_shop, cards):
    paid_stripe_order(app, client, checkout_shop, cards)
    with app.test_request_context(), unit_of_work():
        order = db.session.scalars(db.select(Order)).one()
        orders.cancel_by_customer(order, orders_now())
    intent = next(iter(cards["stripe"].intents.values()))
    assert intent["amount_refunded"] == 42000
    with app.app_context():
        refund = db.session.scalars(db.select(Payment).where(Payment.operation == "refund")).one()
        assert (refund.status, refund.reference.startswith("re_")) == ("succeeded", True)


def test_a_refund_the_provider_cannot_take_shows_as_failed(app, client, checkout_shop, cards):
    paid_stripe_order(app, client, checkout_shop, cards)
    cards["stripe"].fail_next(5, 500)
    with app.test_request_context(), unit_of_work():
        order = db.session.scalars(db.select(Order)).one()
        orders.cancel_by_customer(order, orders_now())
    intent = next(iter(cards["stripe"].intents.values()))
    assert intent["amount_refunded"] == 0
    with app.app_context():
        refund = db.session.scalars(db.select(Payment).where(Payment.operation == "refund")).one()
        assert refund.status == "failed"
        assert "did not answer" in refund.message


def test_the_merchant_sets_the_minutes_to_pay_by_card(app, client, post, make, merchant,
                                                      checkout_shop, cards):
    from tests.web.test_admin_settings import settings_form
    assert post("/admin/settings", settings_form(card_payment_minutes="4")).status_code == 422
    assert post("/admin/settings", settings_form(card_payment_minutes="45")).status_code == 303
    stripe_order(client, checkout_shop, cards)
    with app.app_context():
        order = db.session.scalars(db.select(Order)).one()
        assert timedelta(minutes=44) < order.pay_by - order.placed_at <= timedelta(minutes=45)


def test_a_return_after_expiry_is_refunded_and_said_so(app, client, checkout_shop, cards):
    session_id = stripe_order(client, checkout_shop, cards)
    assert expire(app) == 1
    back = client.get(local(cards["stripe"].pay(session_id)))
    page = client.get(back.location).get_data(as_text=True)
    assert "refunded in full" in page
    assert next(iter(cards["stripe"].intents.values()))["amount_refunded"] == 42000
    assert the_order(app)["status"] == "payment_expired"


def test_a_toss_webhook_for_an_unknown_order_changes_nothing(app, client, checkout_shop, cards):
    toss_order(client, checkout_shop)
    stranger = cards["toss"].pay_in_window("NOT-OURS-1", 42000, "http://shop.test/ok")
    from domain.payments.providers.toss import TossPayments
    TossPayments(ProviderConfig.from_mapping(app.config)).complete(
        PaymentRequest("NOT-OURS-1", Money(42000, "KRW"), "x", "", ""),
        {k: v[0] for k, v in parse_qs(urlsplit(stranger).query).items()}, "k-stranger")
    response = client.post("/payments/webhooks/toss", data=json.dumps(cards["toss"].events[-1]),
                           content_type="application/json")
    assert response.status_code == 400
    assert facts(app, the_order(app)["id"])["charges"] == 0


def test_one_click_buying_is_not_offered_with_a_hosted_card(app, make, cards, checkout_shop):
    from domain import preferences, shopconfig
    with app.test_request_context():
        config = shopconfig.load()
        assert preferences.pays_at_checkout("stripe", config)
        assert not preferences.pays_at_checkout("bank_transfer", config)


def test_the_merchant_cannot_mark_an_order_awaiting_its_card_payment_paid(
        app, client, post, make, merchant, checkout_shop, cards):
    stripe_order(client, checkout_shop, cards)
    url = f"/admin/orders/{the_order(app)['number']}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="paid"' not in page
    response = post(f"{url}/status", {"status": "paid", "note": "by hand"}, token_from=url)
    assert response.status_code == 422
    assert "paid when the card provider confirms it" in response.get_data(as_text=True)
    assert the_order(app)["status"] == "awaiting_payment"


def paid_toss_order(app, client, checkout_shop, cards):
    sdk = toss_order(client, checkout_shop)
    client.get(local(cards["toss"].pay_in_window(sdk["orderId"], 42000, sdk["successUrl"])))
    assert the_order(app)["status"] == "paid"
    return next(iter(cards["toss"].payments.values()))


def test_cancelling_a_paid_toss_order_refunds_through_toss(app, client, checkout_shop, cards):
    payment = paid_toss_order(app, client, checkout_shop, cards)
    with app.test_request_context(), unit_of_work():
        order = db.session.scalars(db.select(Order)).one()
        orders.cancel_by_customer(order, orders_now())
    assert (payment["status"], payment["balanceAmount"]) == ("CANCELED", 0)
    assert [c["cancelAmount"] for c in payment["cancels"]] == [42000]
    with app.app_context():
        refund = db.session.scalars(db.select(Payment).where(Payment.operation == "refund")).one()
        assert refund.status == "succeeded"


def test_a_refund_whose_answer_times_out_is_not_made_twice(app, client, checkout_shop, cards):
    """Stripe carries out the refund but answers too late: the shop records the refund as
    failed (unknown), and a retry with the same idempotency key gets the first refund back
    instead of a second one."""
    paid_stripe_order(app, client, checkout_shop, cards)
    cards["stripe"].answer_slowly(3)
    with app.test_request_context(), unit_of_work():
        order = db.session.scalars(db.select(Order)).one()
        orders.cancel_by_customer(order, orders_now())
    cards["stripe"].answer_slowly(0)
    intent = next(iter(cards["stripe"].intents.values()))
    assert intent["amount_refunded"] == 42000
    with app.app_context():
        refund = db.session.scalars(db.select(Payment).where(Payment.operation == "refund")).one()
        assert refund.status == "failed" and "did not answer" in refund.message
    with app.test_request_context():
        order = db.session.scalars(db.select(Order)).one()
        again = payment_methods.provider("stripe").refund(order, 42000)
    assert again.status == "succeeded" and again.reference.startswith("re_")
    assert intent["amount_refunded"] == 42000 and len(cards["stripe"].refunds) == 1
