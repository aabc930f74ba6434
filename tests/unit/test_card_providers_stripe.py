"""Stripe Checkout through the official library, against the local stand-in of Stripe's API: a
payment is started, settled, refunded and reported as Stripe reports it, and what cannot be
trusted or reached is told apart from a decline."""
import json
import time

import pytest

from domain.errors import (PaymentMismatch, ProviderRefused, ProviderUnavailable,
                           WebhookRejected)
from domain.money import Money
from domain.payments.providers import (EXPIRED, FAILED, PAID, UNPAID, PaymentRequest,
                                       ProviderConfig)
from domain.payments.providers.stripe_checkout import StripeCheckout, from_stripe, to_stripe
from tests.payment_fakes.server import WebhookReceiver
from tests.payment_fakes.stripe_fake import SECRET_KEY, WEBHOOK_SECRET

SHOP = "https://shop.example"


def stripe_for(fake, **settings):
    config = ProviderConfig(**{"stripe_secret_key": SECRET_KEY,
                               "stripe_webhook_secret": WEBHOOK_SECRET,
                               "stripe_api_base": fake.base_url, "stripe_max_network_retries": 0,
                               "timeout": 5, **settings})
    return StripeCheckout(config)


def order(amount=Money(39000, "KRW"), order_id="MJ000123"):
    return PaymentRequest(order_id=order_id, amount=amount, name=f"Order {order_id}",
                          success_url=f"{SHOP}/orders/{order_id}/paid",
                          cancel_url=f"{SHOP}/orders/{order_id}/pay")


def paid_session(fake, stripe, request=None, outcome="succeeded"):
    request = request or order()
    start = stripe.start(request, "start-1")
    return request, start, fake.pay(start.reference, outcome)


def returned(url):
    return {"session_id": url.rsplit("session_id=", 1)[1]}


@pytest.mark.parametrize("money, sent", [(Money(39000, "KRW"), 39000), (Money(500, "JPY"), 500),
                                         (Money(1250, "USD"), 1250), (Money(1500, "BHD"), 1500),
                                         (Money(100, "ISK"), 10000)])
def test_amounts_are_sent_in_the_minor_units_stripe_expects(money, sent):
    """KRW 39000 is 39000 for Stripe (zero-decimal), USD 12.50 is 1250; ISK, which has no
    decimals, Stripe takes with two."""
    assert to_stripe(money) == sent
    assert from_stripe(sent, money.currency) == money


def test_checkout_session_for_an_order(stripe_fake):
    """One line for the order's total in its currency, the order number on the session, the
    success address carrying the session id, sent with the idempotency key."""
    stripe = stripe_for(stripe_fake)
    start = stripe.start(order(), "order-MJ000123-attempt-1")
    session = stripe_fake.sessions[start.reference]
    assert start.redirect_url == session["url"]
    assert (session["amount_total"], session["currency"]) == (39000, "krw")
    assert session["client_reference_id"] == "MJ000123"
    assert session["metadata"] == {"order_id": "MJ000123"}
    assert session["success_url"] == (f"{SHOP}/orders/MJ000123/paid"
                                      "?session_id={CHECKOUT_SESSION_ID}")
    sent = stripe_fake.requests_to("POST", "/v1/checkout/sessions")[0]
    assert sent.headers["Idempotency-Key"] == "order-MJ000123-attempt-1"
    usd = stripe.start(order(Money(1250, "USD"), "MJ000124"), "order-MJ000124-attempt-1")
    assert stripe_fake.sessions[usd.reference]["amount_total"] == 1250


def test_the_same_start_repeated_makes_one_session(stripe_fake):
    """A double click or a retry with the same key gets the first session back."""
    stripe = stripe_for(stripe_fake)
    first, again = stripe.start(order(), "k1"), stripe.start(order(), "k1")
    assert first.reference == again.reference and len(stripe_fake.sessions) == 1


def test_a_key_reused_for_another_amount_is_refused(stripe_fake):
    """Stripe answers 400 idempotency_error: the shop's mistake, not worth retrying."""
    stripe = stripe_for(stripe_fake)
    stripe.start(order(), "k1")
    with pytest.raises(ProviderRefused) as refused:
        stripe.start(order(Money(1000, "KRW")), "k1")
    assert refused.value.retry_safe is False
    assert len(stripe_fake.sessions) == 1


def test_back_from_checkout_the_session_says_paid(stripe_fake):
    stripe = stripe_for(stripe_fake)
    request, start, success = paid_session(stripe_fake, stripe)
    assert success.startswith(f"{SHOP}/orders/MJ000123/paid?session_id=cs_")
    state = stripe.complete(request, returned(success))
    assert (state.status, state.order_id, state.amount) == (PAID, "MJ000123", Money(39000, "KRW"))
    assert state.payment_id.startswith("pi_") and state.reference == start.reference


def test_a_declined_card_leaves_the_session_unpaid(stripe_fake):
    """Checkout's page shows the decline and stays open; asked, Stripe says unpaid."""
    stripe = stripe_for(stripe_fake)
    request, start, success = paid_session(stripe_fake, stripe, outcome="declined")
    assert success is None
    assert stripe.status(start.reference).status == UNPAID


def test_a_delayed_method_is_unpaid_until_it_settles(stripe_fake):
    stripe = stripe_for(stripe_fake)
    request, start, success = paid_session(stripe_fake, stripe, outcome="delayed")
    assert stripe.complete(request, returned(success)).status == UNPAID
    stripe_fake.settle(start.reference)
    assert stripe.status(start.reference).status == PAID


def test_an_expired_session(stripe_fake):
    stripe = stripe_for(stripe_fake)
    start = stripe.start(order(), "k1")
    stripe_fake.expire(start.reference)
    assert stripe.status(start.reference).status == EXPIRED


def test_a_session_of_another_order_or_amount_is_not_accepted(stripe_fake):
    """The success address names a session; it must be this order's, for its total."""
    stripe = stripe_for(stripe_fake)
    _, _, other = paid_session(stripe_fake, stripe, order(Money(100, "KRW"), "MJ000999"))
    with pytest.raises(PaymentMismatch):
        stripe.complete(order(), returned(other))
    with pytest.raises(PaymentMismatch):
        stripe.complete(order(), {"session_id": "../../v1/refunds"})


def test_refunds_whole_and_partial(stripe_fake):
    stripe = stripe_for(stripe_fake)
    request, _, success = paid_session(stripe_fake, stripe)
    intent = stripe.complete(request, returned(success)).payment_id
    part = stripe.refund(intent, Money(9000, "KRW"), "one item returned", "refund-1")
    rest = stripe.refund(intent, None, "order cancelled", "refund-2")
    assert (part.amount, part.status) == (Money(9000, "KRW"), "succeeded")
    assert rest.amount == Money(30000, "KRW")
    assert stripe_fake.intents[intent]["amount_refunded"] == 39000


def test_a_refund_sent_twice_with_one_key_refunds_once(stripe_fake):
    stripe = stripe_for(stripe_fake)
    request, _, success = paid_session(stripe_fake, stripe)
    intent = stripe.complete(request, returned(success)).payment_id
    first = stripe.refund(intent, Money(9000, "KRW"), "", "refund-1")
    again = stripe.refund(intent, Money(9000, "KRW"), "", "refund-1")
    assert first.reference == again.reference and len(stripe_fake.refunds) == 1
    assert stripe_fake.intents[intent]["amount_refunded"] == 9000


def test_refunding_more_than_was_paid_is_refused(stripe_fake):
    stripe = stripe_for(stripe_fake)
    request, _, success = paid_session(stripe_fake, stripe)
    intent = stripe.complete(request, returned(success)).payment_id
    with pytest.raises(ProviderRefused) as refused:
        stripe.refund(intent, Money(40000, "KRW"), "", "refund-1")
    assert refused.value.code == "amount_too_large" and not stripe_fake.refunds


def test_a_server_error_is_an_unknown_outcome_safe_to_retry(stripe_fake):
    """A 5xx is not a decline: the caller is told it may try again with the same key."""
    stripe = stripe_for(stripe_fake)
    stripe_fake.fail_next(1, status=503)
    with pytest.raises(ProviderUnavailable) as unknown:
        stripe.start(order(), "k1")
    assert unknown.value.retry_safe is True
    assert stripe.start(order(), "k1").reference in stripe_fake.sessions


def test_the_library_retries_a_server_error_with_the_same_key(stripe_fake):
    stripe = stripe_for(stripe_fake, stripe_max_network_retries=1)
    stripe_fake.fail_next(1, status=500)
    start = stripe.start(order(), "k1")
    keys = [r.headers["Idempotency-Key"] for r in stripe_fake.requests_to(
        "POST", "/v1/checkout/sessions")]
    assert keys == ["k1", "k1"] and list(stripe_fake.sessions) == [start.reference]


def test_a_timeout_is_unknown_and_the_retry_finds_the_first_answer(stripe_fake):
    """Stripe made the session but the answer came too late: retrying with the same key gets
    that session, not a second one."""
    stripe = stripe_for(stripe_fake, timeout=0.3)
    stripe_fake.answer_slowly(1.0)
    with pytest.raises(ProviderUnavailable):
        stripe.start(order(), "k1")
    stripe_fake.answer_slowly(0)
    again = stripe.start(order(), "k1")
    assert list(stripe_fake.sessions) == [again.reference]


def test_an_unreachable_stripe_is_unknown(stripe_fake):
    base = stripe_fake.base_url
    stripe_fake.stop()
    stripe = StripeCheckout(ProviderConfig(stripe_secret_key=SECRET_KEY, stripe_api_base=base,
                                           stripe_max_network_retries=0, timeout=2))
    with pytest.raises(ProviderUnavailable):
        stripe.start(order(), "k1")


def test_a_wrong_secret_key_is_refused(stripe_fake):
    stripe = StripeCheckout(ProviderConfig(stripe_secret_key="sk_test_wrong",
                                           stripe_api_base=stripe_fake.base_url))
    with pytest.raises(ProviderRefused):
        stripe.start(order(), "k1")
    assert not stripe_fake.sessions


def test_settings_come_from_the_apps_configuration():
    """The app's config (or the environment's names) gives the keys and the API addresses."""
    config = ProviderConfig.from_mapping({
        "STRIPE_SECRET_KEY": " sk_live_1 ", "STRIPE_WEBHOOK_SECRET": "whsec_1",
        "TOSS_SECRET_KEY": "live_sk_1", "TOSS_CLIENT_KEY": "live_ck_1",
        "TOSS_API_BASE": "http://127.0.0.1:9/"})
    assert (config.stripe_secret_key, config.stripe_api_base) == ("sk_live_1",
                                                                  "https://api.stripe.com")
    assert config.toss_api_base == "http://127.0.0.1:9"
    assert ProviderConfig.from_mapping({}).toss_secret_key == ""


def signed_event(fake, stripe, kind="checkout.session.completed"):
    paid_session(fake, stripe)
    event = next(e for e in fake.events if e["type"] == kind)
    return json.dumps(event)


def test_a_signed_webhook_is_read(stripe_fake):
    from tests.payment_fakes.stripe_fake import sign
    stripe = stripe_for(stripe_fake)
    body = signed_event(stripe_fake, stripe)
    event = stripe.webhook(body.encode(), {"Stripe-Signature": sign(body)})
    assert event.kind == "checkout.session.completed" and event.state.status == PAID
    assert event.event_id.startswith("evt_") and event.state.order_id == "MJ000123"


@pytest.mark.parametrize("headers", [
    {},
    {"Stripe-Signature": "t=1,v1=00"},
    {"Stripe-Signature": "garbage"},
], ids=["unsigned", "wrong signature", "malformed header"])
def test_an_unsigned_or_badly_signed_webhook_is_rejected(stripe_fake, headers):
    stripe = stripe_for(stripe_fake)
    body = signed_event(stripe_fake, stripe)
    with pytest.raises(WebhookRejected):
        stripe.webhook(body.encode(), headers)


def test_a_webhook_signed_with_another_secret_or_tampered_is_rejected(stripe_fake):
    from tests.payment_fakes.stripe_fake import sign
    stripe = stripe_for(stripe_fake)
    body = signed_event(stripe_fake, stripe)
    with pytest.raises(WebhookRejected):
        stripe.webhook(body.encode(), {"Stripe-Signature": sign(body, "whsec_other")})
    tampered = body.replace('"paid"', '"unpaid"')
    with pytest.raises(WebhookRejected):
        stripe.webhook(tampered.encode(), {"Stripe-Signature": sign(body)})


def test_a_replayed_webhook_past_stripes_tolerance_is_rejected(stripe_fake):
    """Correctly signed, but six minutes old: Stripe's library allows five."""
    from tests.payment_fakes.stripe_fake import sign
    stripe = stripe_for(stripe_fake)
    body = signed_event(stripe_fake, stripe)
    stale = sign(body, timestamp=int(time.time()) - 360)
    with pytest.raises(WebhookRejected):
        stripe.webhook(body.encode(), {"Stripe-Signature": stale})
    assert stripe.webhook(body.encode(), {"Stripe-Signature": sign(
        body, timestamp=int(time.time()) - 240)}).state.status == PAID


def test_delayed_failures_and_expiries_arrive_as_webhooks(stripe_fake):
    from tests.payment_fakes.stripe_fake import sign
    stripe = stripe_for(stripe_fake)
    _, start, _ = paid_session(stripe_fake, stripe, outcome="delayed")
    stripe_fake.settle(start.reference, succeeded=False)
    expiring = stripe.start(order(order_id="MJ000200"), "k2")
    stripe_fake.expire(expiring.reference)
    states = {}
    for event in stripe_fake.events:
        body = json.dumps(event)
        states[event["type"]] = stripe.webhook(body.encode(),
                                               {"Stripe-Signature": sign(body)}).state.status
    assert states == {"checkout.session.completed": UNPAID,
                      "checkout.session.async_payment_failed": FAILED,
                      "checkout.session.expired": EXPIRED}
    other = json.dumps({**stripe_fake.events[0], "type": "customer.created"})
    assert stripe.webhook(other.encode(), {"Stripe-Signature": sign(other)}) is None


def test_duplicate_concurrent_and_out_of_order_deliveries(stripe_fake):
    """Stripe may send an event more than once, several at once, or a later one first: each
    is verified on its own, and duplicates carry one event id for the caller to apply once."""
    stripe = stripe_for(stripe_fake)
    receiver = WebhookReceiver(stripe)
    try:
        _, start, _ = paid_session(stripe_fake, stripe, outcome="delayed")
        stripe_fake.settle(start.reference)
        completed, settled = stripe_fake.events
        assert stripe_fake.send(receiver.url, completed, times=2) == [200, 200]
        assert stripe_fake.send(receiver.url, settled, times=5, concurrently=True) == [200] * 5
        assert stripe_fake.send(receiver.url, settled, secret="whsec_forged") == [400]
        ids = {e.event_id for e in receiver.events}
        assert ids == {completed["id"], settled["id"]} and len(receiver.events) == 7
        assert {e.kind: e.state.status for e in receiver.events} == {
            "checkout.session.completed": UNPAID,
            "checkout.session.async_payment_succeeded": PAID}
    finally:
        receiver.stop()
