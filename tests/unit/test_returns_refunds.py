"""Settling returns: money back through the payment provider (exact to the minor unit, never more
than was paid), the merchant's reference for manual refunds, failed refunds and their retry, and
store credit."""
from datetime import timedelta

import pytest

from domain import credit, orders, payments, returns
from domain.errors import InvalidReturnTransition, RefundFailed
from domain.extensions import db
from domain.models import CreditEntry
from tests.order_helpers import LATER, NOW, delivered_order, shop_with_a_product
from tests.return_helpers import ask_return, return_emails

MERCHANT = "merchant:owner@moonjar.example"
FEES = {"window_days": 30, "allow_refund": True, "allow_exchange": True, "allow_credit": True,
        "restocking_fee_bp": 1000, "return_shipping": "flat", "return_shipping_fee": 3000}


def received(app, number, quantity=1, action="refund", token=None):
    """A return of the first line of order `number`, approved and received (written off)."""
    ret, _created = ask_return(app, number, quantity, action, token=token)
    returns.approve(ret, MERCHANT, LATER)
    returns.receive(ret, MERCHANT, LATER, {})
    return ret


def refunds(order):
    return [(p.amount, p.status) for p in order.payments if p.operation == "refund"]


def test_a_card_refund_is_exact_and_keeps_the_fees(app, setup):
    """₩39,000 less 10 % restocking and ₩3,000 return shipping: ₩32,100 back to the card."""
    placed = delivered_order(app, setup)
    with app.test_request_context():
        returns.save_rule("shop", None, FEES, NOW)
        ret = received(app, placed["number"])
        assert (ret.restocking_fee, ret.return_shipping_fee, ret.refund_amount) == (3900, 3000, 32100)
        returns.complete(ret, MERCHANT, LATER)
        order = ret.order
        assert ret.status == "refunded" and ret.closed_at == LATER
        assert refunds(order) == [(32100, "succeeded")]
        assert payments.provider("test_card").status(order) == "partially_refunded"
        assert returns.refund_parts(ret) == (32100, 0)
        assert "₩32,100 refunded" in ret.events[-1].note
        assert return_emails(ret) == ["return_requested", "return_approved", "return_received",
                                      "return_refunded"]


def test_usd_partial_refunds_add_up_to_what_was_paid(app, make):
    """Three returns of one $19.99 mug each (8.25 % tax on top) give back $21.64 each, and the
    order reads refunded once all of it is back."""
    setup = shop_with_a_product(make, currency="USD", tax_rate_bp=825, prices_include_tax=False)
    mug = make.product("Mug", price=1999, stock=10)
    free = make.shipping("Free delivery", price=0)
    placed = delivered_order(app, {"method": free, "variant": mug["variant_ids"][0]}, quantity=3)
    with app.test_request_context():
        order = orders.by_number(placed["number"])
        provider = payments.provider("test_card")
        assert order.total == 6492 and payments.captured(order) == 6492
        for n in range(3):
            ret = received(app, placed["number"])
            assert ret.refund_amount == 2164
            returns.complete(ret, MERCHANT, LATER)
            assert ret.status == "refunded"
            assert provider.status(order) == ("refunded" if n == 2 else "partially_refunded")
        assert refunds(order) == [(2164, "succeeded")] * 3
        assert setup


@pytest.mark.parametrize("payment", ["bank_transfer", "cash_on_delivery"])
def test_a_manual_refund_needs_the_merchants_reference(app, setup, payment):
    """Bank transfers and cash are refunded by hand: the reference of that transfer is kept."""
    placed = delivered_order(app, setup, payment=payment)
    with app.test_request_context():
        ret = received(app, placed["number"])
        with pytest.raises(InvalidReturnTransition, match="reference"):
            returns.complete(ret, MERCHANT, LATER, reference="  ")
        assert ret.status == "received" and refunds(ret.order) == []
        returns.complete(ret, MERCHANT, LATER, reference="HANA-778812")
        [payment_row] = [p for p in ret.order.payments if p.operation == "refund"]
        assert (payment_row.amount, payment_row.status, payment_row.reference) == (
            39000, "succeeded", "HANA-778812")
        assert ret.status == "refunded" and "HANA-778812" in ret.events[-1].note


def test_a_failed_refund_stays_failed_until_a_retry_succeeds(app, setup, monkeypatch):
    """The test card 4000 0000 0000 0341 pays but cannot be refunded: the return is marked
    refund_failed with the provider's words, the failed attempts are kept, the customer hears
    once, and a later retry that goes through refunds it."""
    placed = delivered_order(app, setup, card="4000000000000341")
    with app.test_request_context():
        ret = received(app, placed["number"])
        returns.complete(ret, MERCHANT, LATER)
        assert ret.status == "refund_failed" and ret.closed_at is None
        assert "declined the refund" in ret.events[-1].note
        returns.complete(ret, MERCHANT, LATER + timedelta(hours=1))
        assert ret.status == "refund_failed"
        assert refunds(ret.order) == [(39000, "failed"), (39000, "failed")]
        assert payments.provider("test_card").status(ret.order) == "paid"
        assert returns.refund_clock(ret, LATER).days_left == 3
        assert [s.status for s in returns.timeline(ret)][-1] == "refund_failed"

        monkeypatch.setattr(payments.TestCard, "refund", lambda self, order, amount, reference="":
                            payments.Result(payments.SUCCEEDED, reference="re_42"))
        returns.complete(ret, MERCHANT, LATER + timedelta(days=1))
        assert ret.status == "refunded"
        assert refunds(ret.order)[-1] == (39000, "succeeded")
        assert payments.provider("test_card").status(ret.order) == "partially_refunded"
        assert return_emails(ret) == ["return_requested", "return_approved", "return_received",
                                      "return_refund_failed", "return_refunded"]


def test_a_provider_that_does_not_answer_leaves_the_refund_failed(app, setup, monkeypatch):
    """An exception from the provider is recorded like a refusal, with its message."""
    placed = delivered_order(app, setup)
    with app.test_request_context():
        ret = received(app, placed["number"])

        def timeout(self, order, amount, reference=""):
            raise RefundFailed("The card processor did not answer in time.")
        monkeypatch.setattr(payments.TestCard, "refund", timeout)
        returns.complete(ret, MERCHANT, LATER)
        assert ret.status == "refund_failed"
        assert ret.events[-1].note == "The card processor did not answer in time."
        [failed] = [p for p in ret.order.payments if p.operation == "refund"]
        assert failed.status == "failed" and "did not answer" in failed.message


def test_a_refund_never_exceeds_what_was_captured(app, setup):
    """After ₩30,000 was already refunded by hand, a ₩39,000 return gives back the ₩12,000
    left of the ₩42,000 paid, and says so."""
    placed = delivered_order(app, setup)
    with app.test_request_context():
        order = orders.by_number(placed["number"])
        payments.record(order, "refund", 30000, payments.Result(payments.SUCCEEDED, "goodwill"))
        ret = received(app, placed["number"])
        returns.complete(ret, MERCHANT, LATER)
        assert ret.status == "refunded" and ret.refund_amount == 12000
        assert refunds(order) == [(30000, "succeeded"), (12000, "succeeded")]
        assert payments.provider("test_card").status(order) == "refunded"
        assert "Limited" in ret.events[-1].note


def _delivered_with_credit(app, setup, make):
    """A customer with ₩20,000 of store credit buys the ₩42,000 jar; the order, delivered."""
    user = make.user()
    with app.test_request_context():
        credit.grant(user["id"], 20000, "KRW", "Welcome", NOW)
        db.session.commit()
    return user, delivered_order(app, setup, user_id=user["id"], use_credit=True)


def test_the_part_paid_with_store_credit_goes_back_as_store_credit(app, setup, make):
    """Of ₩42,000, ₩20,000 was store credit: returning the ₩39,000 jar refunds the ₩22,000
    charged to the card and gives ₩17,000 back as credit."""
    user, placed = _delivered_with_credit(app, setup, make)
    with app.test_request_context():
        order = orders.by_number(placed["number"])
        assert (order.credit_applied, payments.captured(order)) == (20000, 22000)
        ret = received(app, placed["number"])
        returns.complete(ret, MERCHANT, LATER)
        assert ret.status == "refunded" and ret.refund_amount == 39000
        assert refunds(order) == [(22000, "succeeded")]
        assert credit.balance(user["id"]) == 17000
        assert returns.refund_parts(ret) == (22000, 17000)
        entry = db.session.scalar(db.select(CreditEntry).where(CreditEntry.return_id == ret.id))
        assert (entry.amount, entry.order_id) == (17000, order.id)


def test_an_order_paid_in_full_with_credit_is_refunded_as_credit_without_a_reference(app, setup,
                                                                                     make):
    """Nothing went through the bank, so nothing comes back through it."""
    user = make.user()
    with app.test_request_context():
        credit.grant(user["id"], 50000, "KRW", "Welcome", NOW)
        db.session.commit()
    placed = delivered_order(app, setup, payment="bank_transfer", user_id=user["id"],
                             use_credit=True)
    with app.test_request_context():
        ret = received(app, placed["number"])
        returns.complete(ret, MERCHANT, LATER)
        assert ret.status == "refunded" and refunds(ret.order) == []
        assert credit.balance(user["id"]) == 8000 + 39000


def test_store_credit_gets_the_full_price_without_fees(app, setup, make):
    """Fees are kept from refunds only: credit for the jar is the ₩39,000 paid."""
    user = make.user()
    placed = delivered_order(app, setup, user_id=user["id"])
    with app.test_request_context():
        returns.save_rule("shop", None, FEES, NOW)
        ret = received(app, placed["number"], action="credit")
        assert ret.refund_amount == 39000
        returns.complete(ret, MERCHANT, LATER)
        assert ret.status == "credited" and credit.balance(user["id"]) == 39000
        assert refunds(ret.order) == [] and returns.refund_parts(ret) == (0, 39000)
        assert return_emails(ret)[-1] == "return_credited"


def test_a_failed_refund_can_be_settled_as_store_credit(app, setup, make):
    """For a customer with an account, a refund that will not go through can become credit."""
    user = make.user()
    placed = delivered_order(app, setup, user_id=user["id"], card="4000000000000341")
    with app.test_request_context():
        ret = received(app, placed["number"])
        returns.complete(ret, MERCHANT, LATER)
        assert ret.status == "refund_failed"
        returns.complete(ret, MERCHANT, LATER, as_credit=True)
        assert ret.status == "credited" and credit.balance(user["id"]) == 39000


def test_a_guest_refund_cannot_become_store_credit(app, setup):
    """Store credit lives on an account; a guest's failed refund must be retried."""
    placed = delivered_order(app, setup, card="4000000000000341")
    with app.test_request_context():
        ret = received(app, placed["number"])
        returns.complete(ret, MERCHANT, LATER)
        with pytest.raises(InvalidReturnTransition, match="account"):
            returns.complete(ret, MERCHANT, LATER, as_credit=True)
        assert ret.status == "refund_failed"


def test_an_orders_refunds_add_the_money_and_the_store_credit_given_back(app, setup, make):
    """₩42,000 paid with ₩20,000 of store credit; the ₩39,000 jar comes back as ₩22,000 to the
    card and ₩17,000 of credit, so ₩3,000 (the shipping) stays paid. Nothing back: no line."""
    _user, placed = _delivered_with_credit(app, setup, make)
    with app.test_request_context():
        order = orders.by_number(placed["number"])
        assert returns.refunded(order) is None
        returns.complete(received(app, placed["number"]), MERCHANT, LATER)
        back = returns.refunded(order)
        assert (back.money, back.credit, back.total, back.net_paid) == (22000, 17000, 39000, 3000)
