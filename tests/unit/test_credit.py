"""Store credit: the balance and its ledger move together, a spend never goes below zero, and
an order takes the credit first and asks the payment provider only for the rest."""
from datetime import datetime, timedelta, timezone

import pytest

from domain import cart as carts
from domain import credit, orders, shopconfig
from domain.errors import InsufficientCredit, PaymentDeclined
from domain.extensions import db
from domain.models import CreditEntry, Order, OutboxMessage, User

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
ADDRESS = {"name": "Kim Minji", "phone": "", "line1": "1 Sejong-daero", "line2": "",
           "city": "Seoul", "postcode": "", "region": "Domestic", "country": "KR"}


@pytest.fixture
def krw(make):
    """Moon jar ₩39,000 + ₩3,000 shipping = ₩42,000."""
    make.settings(currency="KRW", tax_rate_bp=1000, prices_include_tax=True, undo_minutes=30,
                  default_region="Domestic", bank_transfer_days=3)
    method = make.shipping("Standard", price=3000, region="Domestic")
    product = make.product("Moon jar", price=39000, stock=5)
    return {"method": method, "variant": product["variant_ids"][0]}


@pytest.fixture
def usd(make):
    """Mug $12.50 + $3.99 shipping = $16.49 (tax included at 0 %)."""
    make.settings(currency="USD", tax_rate_bp=0, prices_include_tax=True, undo_minutes=30,
                  default_region="Domestic", free_shipping_threshold=None)
    method = make.shipping("Standard", price=399, region="Domestic")
    product = make.product("Mug", price=1250, stock=5)
    return {"method": method, "variant": product["variant_ids"][0]}


@pytest.fixture
def customer(make):
    return make.user(email="minji@example.com")["id"]


def give(user_id, amount, currency="KRW", when=NOW, note="Return R-ABC1234"):
    entry = credit.grant(user_id, amount, currency, note, when)
    db.session.commit()
    return entry


def place(app, setup, user_id, payment="bank_transfer", use_credit=True, card="", token="tok-credit-0001"):
    config = shopconfig.current()
    checkout = orders.Checkout(checkout_token=token, email="minji@example.com",
                               address=dict(ADDRESS), shipping_method_id=setup["method"],
                               payment_method=payment, user_id=user_id, use_credit=use_credit,
                               payment_details={"card_number": card})
    order, _created = orders.place_order(config, carts.GuestCart({str(setup["variant"]): 1}),
                                         checkout, NOW)
    return order


def payments_of(order):
    return [(p.operation, p.amount, p.status) for p in order.payments]


def entries(user_id):
    return [(e.amount, e.note) for e in credit.history(user_id)]


def test_grant_raises_the_balance_and_writes_the_ledger_newest_first(ctx, customer):
    """Two grants: the balance is their sum; history lists the later one first."""
    give(customer, 12000, note="Return R-AAA1111")
    give(customer, 3000, when=NOW + timedelta(days=1), note="Return R-BBB2222")
    assert credit.balance(customer) == 15000
    assert entries(customer) == [(3000, "Return R-BBB2222"), (12000, "Return R-AAA1111")]
    assert db.session.get(User, customer).credit_balance == 15000


def test_spend_takes_from_the_balance_with_a_negative_entry_for_the_order(app, ctx, krw, customer):
    """The spend names the order and links to it."""
    give(customer, 50000)
    order = place(app, krw, customer, use_credit=False)
    entry = credit.spend(customer, 20000, "KRW", order, NOW)
    assert credit.balance(customer) == 30000
    assert (entry.amount, entry.order_id, entry.note) == (-20000, order.id, f"Order {order.number}")


def test_spending_more_than_the_balance_raises_and_changes_nothing(app, ctx, krw, customer):
    """The message states what is left; balance and ledger are as they were."""
    give(customer, 5000)
    order = place(app, krw, customer, use_credit=False)
    with pytest.raises(InsufficientCredit, match="Your store credit is ₩5,000, less than the ₩12,000"):
        credit.spend(customer, 12000, "KRW", order, NOW)
    assert credit.balance(customer) == 5000
    assert entries(customer) == [(5000, "Return R-ABC1234")]


@pytest.mark.parametrize("amount", [0, -100, 12.5, True])
def test_amounts_must_be_positive_whole_minor_units(ctx, customer, amount):
    """A zero, negative or fractional movement is a programming error, never stored."""
    with pytest.raises(ValueError):
        credit.grant(customer, amount, "KRW", "x", NOW)
    assert credit.history(customer) == []


def test_an_order_partly_paid_by_credit_asks_the_bank_transfer_for_the_rest(app, ctx, krw, customer):
    """₩12,000 credit on ₩42,000: ₩30,000 to transfer, balance 0, the order still placed."""
    give(customer, 12000)
    order = place(app, krw, customer)
    assert (order.total, order.credit_applied, order.amount_due) == (42000, 12000, 30000)
    assert order.status == "placed" and order.pay_by is not None
    assert payments_of(order) == [("authorize", 30000, "pending")]
    assert credit.balance(customer) == 0
    assert entries(customer)[0] == (-12000, f"Order {order.number}")


def test_a_card_is_authorized_captured_and_refunded_for_the_rest_only(app, ctx, krw, customer):
    """Cancelling refunds ₩30,000 to the card and gives the ₩12,000 credit back."""
    give(customer, 12000)
    order = place(app, krw, customer, payment="test_card", card="4242424242424242")
    assert order.status == "paid"
    orders.cancel_by_customer(order, NOW + timedelta(minutes=5))
    db.session.commit()
    assert payments_of(order) == [("authorize", 30000, "succeeded"), ("capture", 30000, "succeeded"),
                                  ("refund", 30000, "succeeded")]
    assert credit.balance(customer) == 12000
    assert entries(customer)[0] == (12000, f"Order {order.number} cancelled")


@pytest.mark.parametrize("payment", ["bank_transfer", "cash_on_delivery", "test_card"])
def test_an_order_fully_covered_by_credit_is_paid_at_once(app, ctx, krw, customer, payment):
    """Whatever the method: paid, the provider never asked, no second message."""
    give(customer, 100000)
    order = place(app, krw, customer, payment=payment)
    db.session.commit()
    assert (order.status, order.credit_applied, order.amount_due, order.pay_by) == ("paid", 42000, 0, None)
    assert payments_of(order) == []
    assert credit.balance(customer) == 58000
    assert [m.kind for m in db.session.scalars(db.select(OutboxMessage))] == ["order_placed"]


def test_a_fully_covered_cash_on_delivery_order_is_delivered_without_collecting(app, ctx, krw, customer):
    """The courier has nothing to collect; the timeline never says 'Pay on delivery'."""
    from domain import tracking
    give(customer, 42000)
    order = place(app, krw, customer, payment="cash_on_delivery")
    for status in ("packed", "shipped", "delivered"):
        orders.set_status(order, status, "merchant:test", NOW, carrier="CJ", tracking_number="1")
    assert payments_of(order) == []
    assert "Pay on delivery" not in [stage.label for stage in tracking.timeline(order)]


def test_an_expired_bank_transfer_gives_the_credit_back(app, ctx, krw, customer):
    """No money arrived: the stock and the credit both return."""
    give(customer, 12000)
    order = place(app, krw, customer)
    db.session.commit()
    assert orders.expire_unpaid(NOW + timedelta(days=4)) == 1
    assert order.status == "payment_expired"
    assert credit.balance(customer) == 12000
    assert entries(customer)[0] == (12000, f"Order {order.number} cancelled")


def test_without_the_tick_or_without_an_account_no_credit_is_used(app, ctx, krw, customer):
    """use_credit off keeps the balance; a guest checkout has nobody's credit to use."""
    give(customer, 12000)
    kept = place(app, krw, customer, use_credit=False, token="tok-credit-0002")
    guest = place(app, krw, None, use_credit=True, token="tok-credit-0003")
    assert (kept.credit_applied, guest.credit_applied) == (0, 0)
    assert payments_of(kept) == [("authorize", 42000, "pending")]
    assert credit.balance(customer) == 12000


def test_a_failed_payment_leaves_the_credit_untouched(app, ctx, krw, customer):
    """A declined card rolls the spend back with the order."""
    give(customer, 12000)
    with pytest.raises(PaymentDeclined):
        place(app, krw, customer, payment="test_card", card="4000000000000002")
    db.session.commit()
    assert credit.balance(customer) == 12000
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0
    assert db.session.scalar(db.select(db.func.count(CreditEntry.id))) == 1


def test_krw_amounts_are_exact_won(app, ctx, krw, customer):
    """₩41,999 credit leaves exactly ₩1 to pay."""
    give(customer, 41999)
    order = place(app, krw, customer)
    assert (order.credit_applied, order.amount_due) == (41999, 1)
    assert payments_of(order) == [("authorize", 1, "pending")]


def test_usd_amounts_are_exact_cents(app, ctx, usd, customer):
    """$5.25 credit on $16.49 leaves $11.24; the entry and payment are in cents."""
    give(customer, 525, currency="USD")
    order = place(app, usd, customer)
    assert (order.currency, order.total, order.credit_applied, order.amount_due) == ("USD", 1649, 525, 1124)
    assert payments_of(order) == [("authorize", 1124, "pending")]
    assert entries(customer)[0] == (-525, f"Order {order.number}")
    assert credit.balance(customer) == 0
