"""The demo's order history: about a hundred orders over the last sixty days, so the dashboard's
scorecard has sales, customers and shipping times to show, and "Goes well with" has pieces
bought together to learn from.

Every order is a guest's (the made-up buyers of the reviews and thirty more), never the demo
customer's account: her points and tier stay what loyalty.py works out from her own orders.
Most are delivered; some were shipped after their ship-by day (late); the newest are paid and
waiting, one of them already past its ship-by day so the order list flags it; three came back
and were refunded, one of them after the refund promise. Recurring pairs (a mug with a side
plate, a teapot with its cups, a rice bowl with a dipping dish, ...) are each bought together in
several delivered orders that were not returned.

Written directly with the models, as the orders would stand after their history (events,
stage times and ship-by day as orders.set_status and shipby.stamp set them; the returns with
their events as the returns' lifecycle leaves them), reproducibly (a seeded random.Random).
Nothing is emailed: each order's review request stands as already answered. The orders carry
the demo's checkout token prefix, so `remove-demo` takes them out with the rest."""
import random
from datetime import timedelta

from .. import orders as shop_orders
from .. import shipby
from ..extensions import db
from ..models import (Order, OrderEvent, OrderLine, Product, ReturnEvent, ReturnLine,
                      ReturnRequest, ReviewRequest, ShippingMethod)
from ..returns.lifecycle import new_number as new_return_number
from ..returns.rules import policy
from ..shopconfig import zone
from .catalogue import MERCHANT_EMAIL
from .reviews import ADDRESS, BUYERS, DEMO_ORDER_TOKEN

ORDERS = 100
DAYS = 60
# Pieces bought together again and again: (product, glaze) pairs.
PAIRS = [
    (("Everyday Mug", "Celadon"), ("Side Plate", "Celadon")),
    (("Side-Handle Teapot", "Celadon"), ("Tea Cups, Set of 2", "Celadon")),
    (("Rice Bowl", "Moon White"), ("Dipping Dish", "Celadon")),
    (("Dinner Plate", "Ash Grey"), ("Side Plate", "Ash Grey")),
    (("Bud Vase", "Persimmon"), ("Pebble Vase", "Moon White")),
    (("Espresso Cup", "Tenmoku"), ("Dessert Plate", "Speckled Oat")),
]
SINGLES = [("Big Morning Mug", "Ink Blue"), ("Yunomi Tea Cup", "Buncheong"),
           ("Latte Cup", "Persimmon"), ("Noodle Bowl", "Tenmoku"), ("Cereal Bowl", "Speckled Oat"),
           ("Serving Bowl", "Buncheong"), ("Pasta Plate", "Ink Blue"), ("Coupe Plate", "Ash Grey"),
           ("Bottle Vase", "Ink Blue"), ("Storage Jar", "Persimmon"), ("Tea Bowl", "Buncheong"),
           ("Pouring Pitcher", "Celadon"), ("Tea Canister", "Ash Grey"), ("Moon Jar", "Moon White")]
GIVEN = ["Ara", "Bomi", "Chloe", "Dohyun", "Emma", "Gayoung", "Hyejin", "Isaac", "Jisoo",
         "Junho", "Kate", "Leo", "Mirae", "Nari", "Oliver", "Sora", "Taeyang", "Yuna",
         "Woojin", "Sienna"]
FAMILY = ["Kang", "Yoon", "Han", "Oh", "Shin", "Lim", "Jung", "Moon", "Baek", "Ryu"]
GUESTS = 30
# Of the delivered orders, these (by position, oldest first) came back: (reason, days from
# receiving the parcel to the refund). The second was refunded after the promise.
RETURNS = {4: ("damaged", 1), 17: ("changed_mind", 5), 33: ("not_as_described", 2)}


def load_history(now, settings):
    """Write the history; returns the number of orders. Flushes, never commits."""
    rng = random.Random(17)
    wanted = {title for pair in PAIRS for title, _glaze in pair} | {t for t, _g in SINGLES}
    by_title = {p.title: p for p in db.session.scalars(db.select(Product).where(
        Product.title.in_(wanted)))}
    method = db.session.scalar(db.select(ShippingMethod).where(ShippingMethod.name == "Standard"))
    if method is None or len(by_title) < len(wanted):
        return 0
    buyers = _buyers(rng)
    tz = zone(settings.timezone)
    written, delivered = [], []
    for number in range(ORDERS):
        placed = now - timedelta(days=DAYS * (ORDERS - number) / ORDERS,
                                 hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
        # Regulars come back: the first third of the buyers get most of the orders.
        buyer = buyers[min(int(rng.random() ** 2 * len(buyers)), len(buyers) - 1)]
        items = _items(rng, number)
        order = _order(number, buyer, placed, items, by_title, method, settings, rng, now, tz)
        written.append(order)
        if order.status == "delivered":
            delivered.append(order)
    _one_overdue(written, now, settings, tz)
    db.session.flush()
    for position, (reason, days) in RETURNS.items():
        if position < len(delivered):
            _returned(delivered[position], reason, days, now)
    for order in written:
        _request_answered(order, settings)
    db.session.flush()
    return len(written)


def _buyers(rng):
    made_up = []
    for n in range(GUESTS):
        given, family = GIVEN[n % len(GIVEN)], FAMILY[(n * 7) % len(FAMILY)]
        made_up.append((f"{given} {family}", f"{given.lower()}.{family.lower()}{n}@example.com",
                        "ko" if n % 2 else "en", f"{rng.randint(1, 99)} Hangang-daero"))
    known = [value for value in BUYERS.values() if value[1] is not None]
    return known + made_up


def _items(rng, number):
    """Every other order is one of the pairs (each pair in turn), sometimes with a third piece;
    the rest are one or two single pieces."""
    if number % 2 == 0:
        items = list(PAIRS[(number // 2) % len(PAIRS)])
        if rng.random() < 0.2:
            items.append(rng.choice(SINGLES))
        return items
    return rng.sample(SINGLES, rng.choice((1, 1, 2)))


def _order(number, buyer, placed, items, by_title, method, settings, rng, now, tz):
    name, email, locale, street = buyer
    order = Order(number=shop_orders.new_number(), checkout_token=f"{DEMO_ORDER_TOKEN}h{number}",
                  user_id=None, email=email, locale=locale, status="paid",
                  currency=settings.currency, discount=0, tax_included=True,
                  tax_rate_bp=settings.tax_rate_bp, fees=0, shipping_method_id=method.id,
                  shipping_method_name=method.name, shipping_days_min=method.days_min,
                  shipping_days_max=method.days_max, payment_method="test_card",
                  placed_at=placed, ship_name=name, ship_line1=street,
                  subtotal=0, shipping=0, tax=0, total=0, **ADDRESS)
    for title, glaze in dict.fromkeys(items):
        product = by_title[title]
        variant = next((v for v in product.variants if v.option1 == glaze), product.variants[0])
        order.lines.append(OrderLine(
            variant_id=variant.id, product_id=product.id, title=product.title,
            variant_title=" / ".join(filter(None, (variant.option1, variant.option2))),
            sku=variant.sku, unit_price=variant.price, quantity=1,
            tax_rate_bp=settings.tax_rate_bp))
    order.subtotal = sum(line.unit_price for line in order.lines)
    threshold = settings.free_shipping_threshold
    order.shipping = 0 if threshold is not None and order.subtotal >= threshold else method.price
    order.total = order.subtotal + order.shipping
    order.tax = round(order.total * settings.tax_rate_bp / (10_000 + settings.tax_rate_bp))
    paid = placed + timedelta(minutes=rng.randint(1, 4))
    order.paid_at = paid
    order.ship_by = shipby.due(paid, settings.handling_days, tz)
    stages = [("placed", "customer", placed), ("paid", "system", paid)]
    # About one in eight leaves after its ship-by day.
    late = rng.random() < 0.125
    shipped = (order.ship_by + timedelta(hours=rng.randint(3, 30)) if late
               else paid + timedelta(hours=rng.randint(4, 40)))
    shipped = min(shipped, order.ship_by) if not late and shipped > order.ship_by else shipped
    merchant = f"merchant:{MERCHANT_EMAIL}"
    if shipped <= now:
        delivered = shipped + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 6))
        stages += [("packed", merchant, shipped - timedelta(hours=2)),
                   ("shipped", merchant, shipped)]
        order.status, order.shipped_at = "shipped", shipped
        order.carrier, order.tracking_number = "CJ Logistics", f"7788{number:06d}"
        if delivered <= now:
            stages.append(("delivered", "system", delivered))
            order.status, order.delivered_at = "delivered", delivered
    for status, actor, at in stages:
        order.events.append(OrderEvent(status=status, actor=actor, created_at=at))
    order.updated_at = stages[-1][2]
    db.session.add(order)
    return order


def _one_overdue(written, now, settings, tz):
    """The newest order still waiting becomes one paid some days ago and not shipped: just past
    its ship-by day, flagged in the order list."""
    waiting = [o for o in written if o.status == "paid"]
    if not waiting:
        return
    order, days = waiting[-1], 2
    while True:
        order.placed_at = now - timedelta(days=days, hours=2)
        order.paid_at = order.placed_at + timedelta(minutes=2)
        order.ship_by = shipby.due(order.paid_at, settings.handling_days, tz)
        if order.ship_by < now:
            break
        days += 1
    for event in order.events:
        event.created_at = order.placed_at if event.status == "placed" else order.paid_at
    order.updated_at = order.paid_at


def _returned(order, reason, refund_days, now):
    """One line back and refunded: asked for 2 days after delivery, received 3 days later,
    refunded `refund_days` after that (the promise: policy().refund_promise_days)."""
    line = order.lines[-1]
    asked = order.delivered_at + timedelta(days=2)
    received = asked + timedelta(days=3)
    refunded = min(received + timedelta(days=refund_days), now - timedelta(hours=1))
    ret = ReturnRequest(number=new_return_number(), request_token=f"{DEMO_ORDER_TOKEN}r{order.id}",
                        order_id=order.id, status="refunded", action="refund", reason=reason,
                        method="pickup", currency=order.currency, items_amount=line.unit_price,
                        refund_amount=line.unit_price, created_at=asked, received_at=received,
                        refund_due_at=received + timedelta(days=policy().refund_promise_days),
                        closed_at=refunded, updated_at=refunded)
    ret.lines.append(ReturnLine(order_line_id=line.id, product_id=line.product_id, quantity=1,
                                amount=line.unit_price))
    merchant = f"merchant:{MERCHANT_EMAIL}"
    for status, actor, at in (("requested", "customer", asked),
                              ("approved", merchant, asked + timedelta(hours=5)),
                              ("received", merchant, received), ("refunded", merchant, refunded)):
        ret.events.append(ReturnEvent(status=status, actor=actor, created_at=at))
    db.session.add(ret)


def _request_answered(order, settings):
    """No review request will be emailed to a made-up address: each stands as already sent."""
    sent = (order.delivered_at + timedelta(days=settings.review_request_days)
            if order.delivered_at else order.placed_at)
    db.session.add(ReviewRequest(order_id=order.id, state="done", sent_at=sent,
                                 note="demo history", created_at=sent, updated_at=sent))
