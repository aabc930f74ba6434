"""Toss Payments over HTTPS, against the local stand-in of its API: the window's values, the
confirmation for the amount the order expects (so a tampered amount fails), refunds, and
webhooks that are only believed once Toss itself confirms them."""
import base64
import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from domain.errors import (CardDeclined, PaymentMismatch, ProviderRefused, ProviderUnavailable,
                           WebhookRejected)
from domain.money import Money
from domain.payments.providers import PAID, REFUNDED, UNPAID, PaymentRequest, ProviderConfig
from domain.payments.providers.toss import TossPayments
from tests.payment_fakes.server import WebhookReceiver
from tests.payment_fakes.toss_fake import CLIENT_KEY, SECRET_KEY

SHOP = "https://shop.example"


def toss_for(fake, **settings):
    return TossPayments(ProviderConfig(**{"toss_secret_key": SECRET_KEY,
                                          "toss_client_key": CLIENT_KEY,
                                          "toss_api_base": fake.base_url, "timeout": 5,
                                          **settings}))


def order(amount=39000, order_id="MJ000123"):
    return PaymentRequest(order_id=order_id, amount=Money(amount, "KRW"), name="Moon jar",
                          success_url=f"{SHOP}/orders/{order_id}/paid",
                          cancel_url=f"{SHOP}/orders/{order_id}/pay")


def back(url):
    """The query of Toss's success redirect, as the shop's view would read it."""
    return dict(parse_qsl(urlsplit(url).query))


def paid(fake, toss, request=None, **window):
    request = request or order()
    url = fake.pay_in_window(request.order_id, request.amount.amount, request.success_url,
                             **window)
    return request, back(url)


def test_the_payment_window_gets_what_the_sdk_needs():
    toss = TossPayments(ProviderConfig(toss_secret_key=SECRET_KEY, toss_client_key=CLIENT_KEY))
    start = toss.start(order())
    assert start.reference == "MJ000123" and start.redirect_url == ""
    assert start.sdk == {"clientKey": CLIENT_KEY, "method": "CARD",
                         "amount": {"currency": "KRW", "value": 39000}, "orderId": "MJ000123",
                         "orderName": "Moon jar", "successUrl": f"{SHOP}/orders/MJ000123/paid",
                         "failUrl": f"{SHOP}/orders/MJ000123/pay"}


@pytest.mark.parametrize("request_", [
    PaymentRequest("MJ000123", Money(1250, "USD"), "x", SHOP, SHOP),
    PaymentRequest("MJ12", Money(100, "KRW"), "x", SHOP, SHOP),
    PaymentRequest("MJ 000123", Money(100, "KRW"), "x", SHOP, SHOP),
], ids=["not won", "orderId too short", "orderId with a space"])
def test_what_toss_cannot_take_is_refused_before_the_window(request_):
    toss = TossPayments(ProviderConfig(toss_secret_key=SECRET_KEY))
    with pytest.raises(ValueError):
        toss.start(request_)


def test_a_payment_is_confirmed_for_the_orders_amount(toss_fake):
    toss = toss_for(toss_fake)
    request, returned = paid(toss_fake, toss)
    state = toss.complete(request, returned, "confirm-MJ000123")
    assert (state.status, state.order_id, state.amount) == (PAID, "MJ000123", Money(39000, "KRW"))
    assert state.payment_id == returned["paymentKey"]
    sent = toss_fake.requests_to("POST", "/v1/payments/confirm")[0]
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(
        f"{SECRET_KEY}:".encode()).decode()
    assert sent.headers["Idempotency-Key"] == "confirm-MJ000123"
    assert json.loads(sent.body) == {"paymentKey": returned["paymentKey"],
                                     "orderId": "MJ000123", "amount": 39000}


def test_an_amount_changed_in_the_return_address_is_refused_without_confirming(toss_fake):
    toss = toss_for(toss_fake)
    request, returned = paid(toss_fake, toss)
    for changed in ({**returned, "amount": "100"}, {**returned, "orderId": "MJ000999"},
                    {k: v for k, v in returned.items() if k != "paymentKey"}):
        with pytest.raises(PaymentMismatch):
            toss.complete(request, changed, "confirm-MJ000123")
    assert toss_fake.requests_to("POST", "/v1/payments/confirm") == []


def test_an_amount_tampered_in_the_window_fails_at_toss(toss_fake):
    """The browser opened the window for 100 won and rewrote the return address to say 39000:
    the shop confirms 39000, Toss refuses, and the payment read back shows why."""
    toss = toss_for(toss_fake)
    request = order()
    returned = back(toss_fake.pay_in_window("MJ000123", 100, request.success_url))
    with pytest.raises(PaymentMismatch):
        toss.complete(request, {**returned, "amount": "39000"}, "confirm-MJ000123")
    assert toss_fake.payments[returned["paymentKey"]]["status"] == "IN_PROGRESS"


def test_a_declined_card(toss_fake):
    toss = toss_for(toss_fake)
    request, returned = paid(toss_fake, toss, declined=True)
    with pytest.raises(CardDeclined) as declined:
        toss.complete(request, returned, "confirm-MJ000123")
    assert declined.value.code == "REJECT_CARD_PAYMENT"


def test_a_window_left_too_long_cannot_be_confirmed(toss_fake):
    toss = toss_for(toss_fake)
    request, returned = paid(toss_fake, toss)
    toss_fake.expire_session(returned["paymentKey"])
    with pytest.raises(CardDeclined) as expired:
        toss.complete(request, returned, "confirm-MJ000123")
    assert expired.value.code == "NOT_FOUND_PAYMENT_SESSION"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_is_an_unknown_outcome_safe_to_retry(toss_fake, status):
    toss = toss_for(toss_fake)
    request, returned = paid(toss_fake, toss)
    toss_fake.fail_next(1, status)
    with pytest.raises(ProviderUnavailable) as unknown:
        toss.complete(request, returned, "confirm-MJ000123")
    assert unknown.value.retry_safe is True
    assert toss.complete(request, returned, "confirm-MJ000123").status == PAID


def test_a_timeout_then_a_retry_with_the_same_key_confirms_once(toss_fake):
    """Toss confirmed, but the answer came after the shop gave up: the retry with the same
    idempotency key gets that confirmation, not a second one."""
    toss = toss_for(toss_fake, timeout=0.3)
    request, returned = paid(toss_fake, toss)
    toss_fake.answer_slowly(1.0)
    with pytest.raises(ProviderUnavailable):
        toss.complete(request, returned, "confirm-MJ000123")
    toss_fake.answer_slowly(0)
    assert toss.complete(request, returned, "confirm-MJ000123").status == PAID
    assert [e["data"]["status"] for e in toss_fake.events] == ["DONE"]


def test_a_confirmation_already_made_is_read_back(toss_fake):
    """Retried with a new key after a lost answer, Toss says ALREADY_PROCESSED_PAYMENT: the
    payment is read back and, being this order's, counts as paid."""
    toss = toss_for(toss_fake)
    request, returned = paid(toss_fake, toss)
    toss.complete(request, returned, "confirm-1")
    assert toss.complete(request, returned, "confirm-2").status == PAID


def test_an_unreachable_toss_is_unknown(toss_fake):
    base = toss_fake.base_url
    toss_fake.stop()
    toss = TossPayments(ProviderConfig(toss_secret_key=SECRET_KEY, toss_api_base=base))
    with pytest.raises(ProviderUnavailable):
        toss.complete(order(), {"paymentKey": "tgen_1", "orderId": "MJ000123",
                                "amount": "39000"}, "confirm-MJ000123")


def test_a_wrong_secret_key_is_refused(toss_fake):
    toss = TossPayments(ProviderConfig(toss_secret_key="test_sk_wrong",
                                       toss_api_base=toss_fake.base_url))
    request, returned = paid(toss_fake, toss)
    with pytest.raises(ProviderRefused) as refused:
        toss.complete(request, returned, "confirm-MJ000123")
    assert refused.value.code == "UNAUTHORIZED_KEY"


def test_a_payment_is_found_by_order_or_by_key(toss_fake):
    toss = toss_for(toss_fake)
    request, returned = paid(toss_fake, toss)
    assert toss.status("MJ000123").status == UNPAID
    toss.complete(request, returned, "confirm-MJ000123")
    assert toss.status("MJ000123").status == PAID
    assert toss.payment(payment_key=returned["paymentKey"])["orderId"] == "MJ000123"
    with pytest.raises(ProviderRefused):
        toss.status("MJ000999")


def confirmed(fake, toss):
    request, returned = paid(fake, toss)
    return toss.complete(request, returned, "confirm-MJ000123").payment_id


def test_refunds_whole_and_partial(toss_fake):
    toss = toss_for(toss_fake)
    key = confirmed(toss_fake, toss)
    part = toss.refund(key, Money(9000, "KRW"), "one item returned", "refund-1")
    assert (part.amount, part.status) == (Money(9000, "KRW"), "succeeded")
    assert toss.status("MJ000123").refunded == 9000
    rest = toss.refund(key, None, "order cancelled", "refund-2")
    assert rest.amount == Money(30000, "KRW") and toss.status("MJ000123").status == REFUNDED
    cancel = toss_fake.requests_to("POST", f"/v1/payments/{key}/cancel")[0]
    assert json.loads(cancel.body) == {"cancelReason": "one item returned", "cancelAmount": 9000}


def test_a_refund_sent_twice_with_one_key_refunds_once(toss_fake):
    toss = toss_for(toss_fake)
    key = confirmed(toss_fake, toss)
    first = toss.refund(key, Money(9000, "KRW"), "returned", "refund-1")
    again = toss.refund(key, Money(9000, "KRW"), "returned", "refund-1")
    assert first.reference == again.reference
    assert len(toss_fake.payments[key]["cancels"]) == 1
    assert toss_fake.payments[key]["balanceAmount"] == 30000


def test_refunding_more_than_is_left_is_refused(toss_fake):
    toss = toss_for(toss_fake)
    key = confirmed(toss_fake, toss)
    with pytest.raises(ProviderRefused) as refused:
        toss.refund(key, Money(40000, "KRW"), "too much", "refund-1")
    assert refused.value.code == "NOT_CANCELABLE_AMOUNT"
    assert toss_fake.payments[key]["balanceAmount"] == 39000


def test_a_webhook_counts_only_as_toss_confirms_it(toss_fake):
    """PAYMENT_STATUS_CHANGED is unsigned: the body's claim that a payment is DONE is checked
    by reading the payment from Toss, which here says it is not."""
    toss = toss_for(toss_fake)
    _, returned = paid(toss_fake, toss)
    forged = {"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2026-01-02T14:46:59.653",
              "data": {"paymentKey": returned["paymentKey"], "orderId": "MJ000123",
                       "status": "DONE", "totalAmount": 39000}}
    event = toss.webhook(json.dumps(forged).encode(), {})
    assert event.state.status == UNPAID
    assert toss_fake.requests_to("GET", f"/v1/payments/{returned['paymentKey']}")


@pytest.mark.parametrize("body", [
    b"not json",
    json.dumps({"eventType": "PAYMENT_STATUS_CHANGED", "data": {}}).encode(),
    json.dumps({"eventType": "PAYMENT_STATUS_CHANGED",
                "data": {"paymentKey": "tgen_unknown", "orderId": "MJ000123"}}).encode(),
], ids=["not json", "no payment key", "a payment Toss does not know"])
def test_a_webhook_toss_cannot_vouch_for_is_rejected(toss_fake, body):
    with pytest.raises(WebhookRejected):
        toss_for(toss_fake).webhook(body, {})


def test_a_webhook_naming_another_order_is_rejected(toss_fake):
    toss = toss_for(toss_fake)
    confirmed(toss_fake, toss)
    event = {**toss_fake.events[-1], "data": {**toss_fake.events[-1]["data"],
                                              "orderId": "MJ000999"}}
    with pytest.raises(WebhookRejected):
        toss.webhook(json.dumps(event).encode(), {})
    assert toss.webhook(json.dumps({"eventType": "DEPOSIT_CALLBACK"}).encode(), {}) is None


def test_duplicate_concurrent_and_out_of_order_deliveries(toss_fake):
    """Deliveries repeated, sent at once, or the older one last all report the payment as
    Toss has it now, and one change keeps one event id."""
    toss = toss_for(toss_fake)
    receiver = WebhookReceiver(toss)
    try:
        key = confirmed(toss_fake, toss)
        toss.refund(key, None, "cancelled", "refund-1")
        done, cancelled = toss_fake.events
        assert toss_fake.send(receiver.url, cancelled, times=4, concurrently=True) == [200] * 4
        assert toss_fake.send(receiver.url, done, times=2) == [200, 200]
        assert {e.state.status for e in receiver.events} == {REFUNDED}
        assert len({e.event_id for e in receiver.events}) == 1
        toss_fake.fail_next(1, 503)
        assert toss_fake.send(receiver.url, done) == [503]
    finally:
        receiver.stop()
