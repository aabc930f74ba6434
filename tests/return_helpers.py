"""Returns for tests: asked for through domain.returns as the return form does, moved on as
the merchant would, or built row by row with their orders for the return rules' unit tests.

Checkout would choose the prices, taxes and times itself; the rules' tests need exact lines, a
given discount and a delivery at a given moment, so they write the rows directly.
"""
import uuid
from datetime import datetime, timedelta, timezone
from itertools import count

from domain import orders, returns, shopconfig
from domain.extensions import db
from domain.models import Order, OrderEvent, OrderLine, OutboxMessage, ReturnLine, ReturnRequest
from domain.money import _round_div
from domain.returns import Selection
from tests.order_helpers import LATER, NOW, delivered_order

PLACED = datetime(2026, 2, 20, 9, 0, tzinfo=timezone.utc)
# The account a customer gives for a refund sent by hand (bank transfer, cash on delivery).
ACCOUNT = {"bank_name": "KB Kookmin", "account_number": "123456-01-781234",
           "account_holder": "Kim Minji"}
DAY = timedelta(days=1)
_numbers = count(1)


def rule_values(**changes):
    """A valid return rule form: 30 days, every action, free return shipping, no fees."""
    base = {"window_days": 30, "allow_refund": True, "allow_exchange": True, "allow_credit": True,
            "final_sale": False, "restocking_fee_bp": 0, "return_shipping": "free",
            "return_shipping_fee": 0, "conditions": ""}
    base.update(changes)
    return base


def ask_return(app, number, quantity=1, action="refund", reason="size_fit", text="",
               method="dropoff", token=None, exchange_to=None, now=LATER, account=ACCOUNT):
    """Ask to return the first line of order `number`, as the return form would for the
    order's own customer (signed in, for a member's order), with ACCOUNT as the refund account
    (or `account`; used only for a refund sent by hand); (return, created). Runs in the caller's request
    context and leaves the commit to it."""
    order = orders.by_number(number)
    config = shopconfig.current()
    selection = Selection(order.lines[0].id, quantity, exchange_to)
    return returns.request_return(order, [selection], action, reason, text, method,
                                  token or uuid.uuid4().hex, now, config, asker_id=order.user_id,
                                  refund_account=account)


def delivered(app, setup, payment="test_card", quantity=2, user_id=None, token=None):
    """An order delivered at NOW; returns its number."""
    return delivered_order(app, setup, payment=payment, quantity=quantity, user_id=user_id,
                           token=token or f"{payment}-{quantity}-{user_id}")["number"]


def ask(app, number, quantity=1, action="refund", reason="size_fit", text="", when=NOW + DAY,
        token=None, exchange_variant_id=None):
    """The customer asks to return units of the order's line; returns the RMA."""
    with app.test_request_context():
        ret, _created = ask_return(
            app, number, quantity, action, reason, text, exchange_to=exchange_variant_id,
            token=token or f"ask-{number}-{quantity}-{action}-{when.timestamp()}", now=when)
        db.session.commit()
        return ret.number


def step(app, rma, *names, when=NOW + DAY, restock=True):
    """Move a return on as the merchant would, without the pages (for setting up a test)."""
    with app.test_request_context():
        ret = returns.by_number(rma)
        for name in names:
            if name == "receive":
                returns.receive(ret, "merchant:test", when, {line.id: restock for line in ret.lines})
            else:
                getattr(returns, name)(ret, "merchant:test", when)
        db.session.commit()


def return_emails(ret):
    """The kinds of email queued about the return, in the order they were queued."""
    return [m.kind for m in db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))
            if (m.data or {}).get("return_id") == ret.id]


def shop_config(app, make, timezone_name="UTC", currency="KRW"):
    """The shop's config snapshot after setting its time zone and currency."""
    make.settings(timezone=timezone_name, currency=currency)
    return shopconfig.current()


def order_with(lines, currency="KRW", tax_included=True, tax_rate_bp=1000, discount=0,
               status="delivered", events=()):
    """An order of `lines` [(product_id, unit_price, quantity)] with `events`
    [(status, created_at)] as its timeline; flushed, so its lines have ids."""
    n = next(_numbers)
    subtotal = sum(price * quantity for _product, price, quantity in lines)
    goods = subtotal - discount
    if tax_included:
        tax = goods - _round_div(goods * 10000, 10000 + tax_rate_bp)
        total = goods
    else:
        tax = _round_div(goods * tax_rate_bp, 10000)
        total = goods + tax
    order = Order(
        number=f"T{n:02d}-TEST", checkout_token=f"return-test-{n}", email="minji@example.com",
        status=status, currency=currency, subtotal=subtotal, discount=discount, shipping=0,
        tax=tax, tax_included=tax_included, tax_rate_bp=tax_rate_bp, total=total,
        shipping_method_name="Standard", shipping_days_min=2, shipping_days_max=3,
        payment_method="bank_transfer", ship_name="Kim Minji", ship_line1="1 Sejong-daero",
        ship_city="Seoul", ship_region="Domestic", placed_at=PLACED)
    for i, (product_id, price, quantity) in enumerate(lines, 1):
        order.lines.append(OrderLine(product_id=product_id, title=f"Item {i}", sku=f"SKU-{n}-{i}",
                                     unit_price=price, quantity=quantity, tax_rate_bp=tax_rate_bp))
    for event_status, created_at in events:
        order.events.append(OrderEvent(status=event_status, actor="merchant:test",
                                       created_at=created_at))
    db.session.add(order)
    db.session.flush()
    # Read back what the database keeps (UTC times), as a later request would see it.
    db.session.expire(order)
    return order


def return_of(order, quantities, status="requested", action="refund", reason="size_fit"):
    """A return of {order_line: quantity} in `status`, written as lifecycle would leave it."""
    n = next(_numbers)
    ret = ReturnRequest(number=f"R-TEST{n:03d}", request_token=f"return-token-{n}", order=order,
                        status=status, action=action, reason=reason, currency=order.currency)
    for line, quantity in quantities.items():
        ret.lines.append(ReturnLine(order_line_id=line.id, product_id=line.product_id,
                                    quantity=quantity, amount=line.unit_price * quantity))
    db.session.add(ret)
    db.session.flush()
    return ret
