"""place_order and the undo window as checkout uses them: failures leave nothing behind,
retries find their order, and the customer's address change works."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from domain import cart as carts
from domain import orders, payments, shopconfig, transaction
from domain.errors import OutOfStock, PaymentDeclined, UndoWindowClosed
from domain.extensions import db
from domain.models import Order, Variant

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
ADDRESS = {"name": "Kim Minji", "phone": "", "line1": "1 Sejong-daero", "line2": "",
           "city": "Seoul", "postcode": "", "region": "Domestic", "country": "KR"}


@pytest.fixture
def setup(make):
    make.settings(currency="KRW", tax_rate_bp=1000, prices_include_tax=True, undo_minutes=30)
    method = make.shipping("Standard", price=3000)
    product = make.product("Moon jar", price=39000, stock=2)
    return {"method": method, "variant": product["variant_ids"][0]}


def place(app, setup, cart, token="tok-0123456789abcdef", payment="bank_transfer", card=""):
    config = shopconfig.current()
    checkout = orders.Checkout(checkout_token=token, email="minji@example.com",
                               address=dict(ADDRESS), shipping_method_id=setup["method"],
                               payment_method=payment, payment_details={"card_number": card})
    return orders.place_order(config, cart, checkout, NOW)


@pytest.mark.parametrize("quantity, payment, card, error", [
    (3, "bank_transfer", "", OutOfStock),
    (1, "test_card", "4000000000000002", PaymentDeclined)])
def test_a_failed_order_is_rolled_back_before_the_error_reaches_the_caller(
        app, ctx, setup, quantity, payment, card, error):
    """A caller that commits afterwards (to save a cart) cannot commit half an order."""
    cart = carts.GuestCart({str(setup["variant"]): quantity})
    with pytest.raises(error):
        place(app, setup, cart, payment=payment, card=card)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0
    assert db.session.get(Variant, setup["variant"]).stock == 2
    assert cart.items() == {setup["variant"]: quantity}


def test_a_retry_with_a_stale_copy_of_the_same_cart_empties_it(app, ctx, setup):
    """A guest's second click carries the cart as it was: it is the same purchase."""
    first = carts.GuestCart({str(setup["variant"]): 1})
    order, created = place(app, setup, first)
    stale = carts.GuestCart({str(setup["variant"]): 1})
    again, created_again = place(app, setup, stale)
    assert created and not created_again and again.id == order.id
    assert stale.items() == {}


def test_a_retry_leaves_a_cart_holding_something_else_alone(app, ctx, setup, make):
    """New items added since are not the purchase the token made."""
    place(app, setup, carts.GuestCart({str(setup["variant"]): 1}))
    other = make.product("Tea cup", price=12000, stock=5)["variant_ids"][0]
    cart = carts.GuestCart({str(setup["variant"]): 1, str(other): 1})
    place(app, setup, cart)
    assert cart.items() == {setup["variant"]: 1, other: 1}


def test_the_customer_changes_the_address_within_the_window(app, ctx, setup):
    """Stored with the region kept; an event notes it."""
    order, _ = place(app, setup, carts.GuestCart({str(setup["variant"]): 1}))
    config = shopconfig.current()
    orders.change_address_by_customer(order, {**ADDRESS, "line1": "22 Hangang-daero",
                                              "region": "Elsewhere"}, NOW, config)
    assert (order.ship_line1, order.ship_region) == ("22 Hangang-daero", "Domestic")
    assert order.events[-1].note == "Delivery address changed."
    with pytest.raises(UndoWindowClosed):
        orders.change_address_by_customer(order, dict(ADDRESS), NOW + timedelta(minutes=30), config)


@pytest.mark.parametrize("countries, recorded", [
    (["South Korea"], "South Korea"), (["South Korea", "Japan"], "KR"), ([], "KR")])
def test_a_shop_that_ships_to_one_country_sends_every_order_there(app, ctx, setup, make,
                                                                  countries, recorded):
    """One country: the order and a later change of address record it, whatever was typed.
    Several, or none named: what the customer typed."""
    make.settings(ship_countries=countries)
    order, _ = place(app, setup, carts.GuestCart({str(setup["variant"]): 1}))
    assert order.ship_country == recorded
    config = shopconfig.current()
    orders.change_address_by_customer(order, {**ADDRESS, "country": "KR"}, NOW, config)
    assert order.ship_country == recorded


@pytest.mark.parametrize("ending", ["rollback", "failed commit"])
def test_a_card_charged_for_an_order_that_is_not_kept_is_refunded(app, ctx, setup, monkeypatch,
                                                                   ending):
    """Whatever ends the order's transaction without a commit gives the charge back, once."""
    card = payments.PROVIDERS["test_card"]
    refunds = []
    real_refund = card.refund
    monkeypatch.setattr(card, "refund", lambda order, amount, reference="": refunds.append(
        (order.number, amount)) or real_refund(order, amount, reference))
    order, _ = place(app, setup, carts.GuestCart({str(setup["variant"]): 1}),
                     payment="test_card", card="4242424242424242")
    number, charged = order.number, order.amount_due
    if ending == "rollback":
        transaction.finish(False)
    else:
        # A row the database refuses at commit time: the order cannot be kept.
        db.session.add(Variant(product_id=order.lines[0].product_id, sku="SKU-1", price=1, stock=-1))
        with pytest.raises(IntegrityError):
            transaction.finish(True)
    assert refunds == [(number, charged)]
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0
    transaction.finish(True)
    assert refunds == [(number, charged)]


def test_a_card_charged_for_a_committed_order_is_kept(app, ctx, setup, monkeypatch):
    """A commit discards the undo: later rollbacks of other work refund nothing."""
    card = payments.PROVIDERS["test_card"]
    refunds = []
    monkeypatch.setattr(card, "refund", lambda *args, **kwargs: refunds.append(args))
    place(app, setup, carts.GuestCart({str(setup["variant"]): 1}), payment="test_card",
          card="4242424242424242")
    transaction.finish(True)
    transaction.finish(False)
    assert refunds == [] and db.session.scalar(db.select(db.func.count(Order.id))) == 1
