"""Placing orders and moving them through the pipeline, at the domain level."""
from datetime import datetime, timedelta, timezone

import pytest

from domain import cart as carts
from domain import orders, shopconfig
from domain.errors import (CheckoutInvalid, InvalidTransition, OutOfStock, PaymentDeclined,
                           PaymentFailed, UndoWindowClosed)
from domain.extensions import db
from domain.models import Order, OutboxMessage, Variant

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
ADDRESS = {"name": "Kim Minji", "phone": "010-0000-0000", "line1": "1 Sejong-daero",
           "city": "Seoul", "postcode": "04524", "region": "Domestic", "country": "KR"}


@pytest.fixture
def shop_setup(make):
    make.settings(currency="KRW", tax_rate_bp=1000, prices_include_tax=True,
                  free_shipping_threshold=50000, undo_minutes=30, bank_transfer_days=3)
    method = make.shipping("Standard", price=3000)
    product = make.product("Moon jar", price=39000, stock=5)
    return {"method": method, "variant": product["variant_ids"][0]}


def checkout(setup, token="tok-1", payment="bank_transfer", **extra):
    return orders.Checkout(checkout_token=token, email="minji@example.com", address=dict(ADDRESS),
                           shipping_method_id=setup["method"], payment_method=payment, **extra)


def place(app, setup, quantity=1, token="tok-1", payment="bank_transfer", **extra):
    config = shopconfig.current()
    cart = carts.GuestCart({str(setup["variant"]): quantity})
    return orders.place_order(config, cart, checkout(setup, token, payment, **extra), NOW), cart


def stock_of(variant_id):
    return db.session.get(Variant, variant_id).stock


def test_placing_an_order_copies_prices_takes_stock_and_queues_the_confirmation(app, ctx, shop_setup):
    """Lines copy title, SKU and price; stock drops; the confirmation waits in the outbox."""
    (order, created), cart = place(app, shop_setup, quantity=2)
    assert created and order.status == "placed"
    assert [(l.title, l.sku, l.unit_price, l.quantity) for l in order.lines] == [("Moon jar", "SKU-1", 39000, 2)]
    assert order.total == 78000 and order.shipping == 0  # over the free-shipping threshold
    assert stock_of(shop_setup["variant"]) == 3
    assert [m.kind for m in db.session.scalars(db.select(OutboxMessage))] == ["order_placed"]
    assert order.pay_by == NOW + timedelta(days=3)
    assert cart.items() == {}
    assert len(order.number) == 8 and order.number[3] == "-"


def test_the_same_token_gives_the_same_single_order(app, ctx, shop_setup):
    """A double-click or retry returns the first order and takes no more stock."""
    (first, created), _ = place(app, shop_setup)
    (again, created_again), _ = place(app, shop_setup)
    assert created and not created_again and again.id == first.id
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 1
    assert stock_of(shop_setup["variant"]) == 4


def test_more_than_the_stock_names_the_product_and_creates_nothing(app, ctx, shop_setup):
    """Asking for 6 of 5 fails with the product's name and leaves stock and orders alone."""
    with pytest.raises(OutOfStock, match="only 5 of Moon jar"):
        place(app, shop_setup, quantity=6)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0
    assert stock_of(shop_setup["variant"]) == 5


@pytest.mark.parametrize("card, error", [("4000000000000002", PaymentDeclined),
                                         ("4000000000000119", PaymentFailed)])
def test_a_declined_or_timed_out_card_creates_nothing_and_keeps_the_cart(app, ctx, shop_setup, card, error):
    """No order, no stock taken, no email, and the cart still holds the item."""
    with pytest.raises(error):
        place(app, shop_setup, payment="test_card", payment_details={"card_number": card})
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0
    assert stock_of(shop_setup["variant"]) == 5


def test_an_approved_card_pays_at_checkout(app, ctx, shop_setup):
    """4242... approves: the order is paid at once, with one confirmation email."""
    (order, _), _ = place(app, shop_setup, payment="test_card",
                          payment_details={"card_number": "4242 4242 4242 4242"})
    assert order.status == "paid"
    assert [e.status for e in order.events] == ["placed", "paid"]
    assert [m.kind for m in db.session.scalars(db.select(OutboxMessage))] == ["order_placed"]


def test_a_missing_address_is_reported_field_by_field(app, ctx, shop_setup):
    """Each missing field gets its own message; nothing is written."""
    config = shopconfig.current()
    bad = orders.Checkout(checkout_token="t", email="nope", address={"region": "Mars"},
                          shipping_method_id=None, payment_method="gold")
    with pytest.raises(CheckoutInvalid) as raised:
        orders.place_order(config, carts.GuestCart({str(shop_setup["variant"]): 1}), bad, NOW)
    assert set(raised.value.fields) == {"email", "name", "line1", "city", "region",
                                        "shipping_method", "payment_method"}


LEGAL = [("placed", "paid"), ("placed", "cancelled"), ("paid", "packed"), ("paid", "cancelled"),
         ("packed", "shipped"), ("packed", "cancelled"), ("shipped", "out_for_delivery"),
         ("shipped", "delivered"), ("out_for_delivery", "delivered")]


def walk_to(order, status):
    path = {"placed": [], "paid": ["paid"], "packed": ["paid", "packed"],
            "shipped": ["paid", "packed", "shipped"],
            "out_for_delivery": ["paid", "packed", "shipped", "out_for_delivery"],
            "delivered": ["paid", "packed", "shipped", "delivered"]}[status]
    for step in path:
        orders.set_status(order, step, "merchant:test", NOW, carrier="CJ", tracking_number="123")


@pytest.mark.parametrize("start, target", LEGAL)
def test_every_legal_transition_is_allowed_and_recorded(app, ctx, shop_setup, start, target):
    """Each allowed step changes the status and writes a dated event."""
    (order, _), _ = place(app, shop_setup)
    walk_to(order, start)
    orders.set_status(order, target, "merchant:test", NOW, carrier="CJ", tracking_number="1")
    assert order.status == target and order.events[-1].status == target


# ("placed", "payment_expired") is legal for bank transfers: test_unpaid_bank_transfers_expire.
ILLEGAL = [(start, target) for start in orders.STAGES for target in orders.PIPELINE
           if (start, target) not in LEGAL and (start, target) != ("placed", "payment_expired")]


@pytest.mark.parametrize("start, target", ILLEGAL)
def test_every_illegal_transition_is_refused(app, ctx, shop_setup, start, target):
    """Anything not in the pipeline raises a clear error and changes nothing."""
    (order, _), _ = place(app, shop_setup)
    walk_to(order, start)
    events = len(order.events)
    with pytest.raises(InvalidTransition):
        orders.set_status(order, target, "merchant:test", NOW, carrier="CJ", tracking_number="1")
    assert order.status == start and len(order.events) == events


def test_shipping_needs_a_carrier_and_tracking_number(app, ctx, shop_setup):
    """'Shipped' without a tracking number is refused with a message."""
    (order, _), _ = place(app, shop_setup)
    walk_to(order, "packed")
    with pytest.raises(InvalidTransition, match="tracking number"):
        orders.set_status(order, "shipped", "merchant:test", NOW)


def test_cancelling_returns_the_stock(app, ctx, shop_setup):
    """A cancelled order puts its units back on the shelf."""
    (order, _), _ = place(app, shop_setup, quantity=2)
    orders.set_status(order, "cancelled", "merchant:test", NOW)
    assert stock_of(shop_setup["variant"]) == 5


def test_undo_window_edges(app, ctx, shop_setup):
    """The customer may cancel up to the last second of the window, not at its end."""
    (order, _), _ = place(app, shop_setup)
    end = NOW + timedelta(minutes=30)
    with pytest.raises(UndoWindowClosed):
        orders.cancel_by_customer(order, end)
    orders.cancel_by_customer(order, end - timedelta(seconds=1))
    assert order.status == "cancelled"


def test_unpaid_bank_transfers_expire_and_release_stock(app, ctx, shop_setup):
    """After the pay-by date the order expires; a second earlier is too soon."""
    (order, _), _ = place(app, shop_setup, quantity=2)
    db.session.commit()
    assert orders.expire_unpaid(order.pay_by - timedelta(seconds=1)) == 0
    assert orders.expire_unpaid(order.pay_by + timedelta(seconds=1)) == 1
    assert order.status == "payment_expired" and stock_of(shop_setup["variant"]) == 5


def test_tracking_links_open_only_their_order(app, ctx, shop_setup):
    """A guest's signed link opens that order; altering the number or token finds nothing."""
    from domain.errors import NotFound
    (order, _), _ = place(app, shop_setup)
    token = orders.tracking_token(order)
    assert orders.order_for_token(order.number, token).id == order.id
    with pytest.raises(NotFound):
        orders.order_for_token(order.number, token + "x")
    (other, _), _ = place(app, shop_setup, token="tok-2")
    with pytest.raises(NotFound):
        orders.order_for_token(other.number, token)
