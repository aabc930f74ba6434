"""Placing orders for web and browser tests, through domain.orders.place_order as checkout does."""
from datetime import datetime, timedelta, timezone

from domain import cart as carts
from domain import orders, shopconfig, transaction
from domain.extensions import db
from domain.models import Order

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
# Two days after an order delivered at NOW: well inside its return window.
LATER = NOW + timedelta(days=2)
ADDRESS = {"name": "Kim Minji", "phone": "010-0000-0000", "line1": "1 Sejong-daero",
           "line2": "Apt 301", "city": "Seoul", "postcode": "04524", "region": "Domestic",
           "country": "KR"}


def shop_with_a_product(make, **settings):
    """A KRW shop with one shipping method and one product; returns their ids."""
    values = dict(name="Moonjar Studio", currency="KRW", tax_rate_bp=1000, prices_include_tax=True,
                  free_shipping_threshold=None, undo_minutes=0, bank_transfer_days=3,
                  timezone="UTC", bank_account="Hana Bank 123-456789-01 (Moonjar Studio)",
                  carriers=[{"name": "CJ Logistics",
                             "url": "https://trace.cjlogistics.example/track?no={number}"}])
    values.update(settings)
    make.settings(**values)
    method = make.shipping("Standard", price=3000, days_min=2, days_max=3)
    product = make.product("Moon jar", variants=[{"sku": "MJ-S", "option1": "Small",
                                                  "price": 39000, "stock": 50}],
                           option1_name="Size")
    return {"method": method, "variant": product["variant_ids"][0]}


def place(app, setup, email="minji@example.com", payment="bank_transfer", user_id=None,
          quantity=1, now=NOW, token=None, card="4242424242424242", use_credit=False, items=None,
          address=None):
    """Place an order and return {"number", "token", "id"} (token: the guest tracking token).
    It buys `quantity` of the setup's variant, or `items` ({variant id: quantity}) if given,
    sent to ADDRESS with `address`'s changes."""
    with app.test_request_context():
        config = shopconfig.current()
        cart = carts.GuestCart(items or {str(setup["variant"]): quantity})
        details = {"card_number": card} if payment == "test_card" else {}
        checkout = orders.Checkout(
            checkout_token=token or f"tok-{email}-{payment}-{now.timestamp()}-{user_id}-{quantity}",
            email=email, address={**ADDRESS, **(address or {})}, shipping_method_id=setup["method"],
            payment_method=payment, user_id=user_id, payment_details=details,
            use_credit=use_credit)
        with transaction.unit_of_work():
            order, _created = orders.place_order(config, cart, checkout, now)
        return {"number": order.number, "token": orders.tracking_token(order), "id": order.id}


def advance(app, number, *statuses, now=NOW, carrier="CJ Logistics", tracking_number="6543210987"):
    """Move an order through statuses as the merchant would, and commit."""
    with app.test_request_context():
        order = orders.by_number(number)
        for status in statuses:
            orders.set_status(order, status, "merchant:test", now, carrier=carrier,
                              tracking_number=tracking_number)
        db.session.commit()


# How the merchant takes each kind of order to the customer's door.
TO_THE_DOOR = {"bank_transfer": ("paid", "packed", "shipped", "delivered"),
               "cash_on_delivery": ("packed", "shipped", "delivered"),
               "test_card": ("packed", "shipped", "delivered")}


def delivered_order(app, setup, payment="test_card", now=NOW, **kwargs):
    """Place an order (see place) and deliver it at `now`; returns what place returns.
    A stage the order already passed (paid at checkout, or by store credit) is skipped."""
    order = place(app, setup, payment=payment, now=now, **kwargs)
    with app.test_request_context():
        placed = orders.by_number(order["number"])
        for status in TO_THE_DOOR[payment]:
            if status in orders.allowed_next(placed):
                orders.set_status(placed, status, "merchant:test", now, carrier="CJ Logistics",
                                  tracking_number="6543210987")
        assert placed.status == "delivered", placed.status
        db.session.commit()
    return order


def order_state(app, number):
    """(status, [event statuses]) as stored."""
    with app.app_context():
        db.session.expire_all()
        order = db.session.scalar(db.select(Order).where(Order.number == number))
        return order.status, [e.status for e in order.events]
