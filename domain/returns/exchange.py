"""Exchanges: the replacement variants a customer may ask for, and the replacement order that
ships them once the return is approved.

A replacement is another option of the same product at the same price, so an exchange never
moves money. The replacement order is an ordinary order (packed, shipped and tracked like any
other) costing nothing, paid through the "exchange" provider that checkout never offers.
"""
from flask_babel import gettext as _

from .. import cart as carts
from .. import alerts, catalog, orders, payments, stock
from ..errors import OutOfStock
from ..extensions import db
from ..models import Order, OrderEvent, OrderLine, Product, Variant
from .amounts import Selection, estimate
from .rules import line_rules


def check_variants(chosen):
    """{field: message} for the chosen (order_line, Selection) pairs of an exchange, their
    exchange_variant_id read as an int or None: each needs another active option of its
    product, at the price paid, with enough stock right now."""
    problems = {}
    variants = catalog.variants_by_ids([s.exchange_variant_id for _line, s in chosen
                                        if s.exchange_variant_id])
    wanted = {}
    for line, selection in chosen:
        key, name = f"exchange-{line.id}", orders.line_name(line)
        variant = variants.get(selection.exchange_variant_id)
        if variant is None:
            problems[key] = _("%(item)s: choose the option you want instead.", item=name)
        elif variant.product_id != line.product_id or variant.id == line.variant_id:
            problems[key] = _("%(item)s: choose another option of the same product.", item=name)
        elif variant.product.status != "active":
            problems[key] = _("%(item)s: this product is no longer available for exchange; "
                              "choose a refund or store credit.", item=name)
        elif variant.price != line.unit_price:
            problems[key] = _("%(item)s: %(option)s has a different price; choose an option at "
                              "the same price, or a refund.", item=name, option=variant.title)
        else:
            wanted[variant.id] = wanted.get(variant.id, 0) + selection.quantity
            if wanted[variant.id] > variant.stock:
                problems[key] = _("%(item)s: %(option)s is sold out; choose another option, or "
                                  "a refund.", item=name, option=variant.title)
    return problems


def make_replacement(ret, now):
    """Reserve the replacements and create their order, linked as ret.exchange_order. Returns
    the names of the options that sold out (then nothing is reserved and no order is made)."""
    variants = catalog.variants_by_ids([line.exchange_variant_id for line in ret.lines])
    reserved, sold_out = [], []
    for line in ret.lines:
        variant = variants.get(line.exchange_variant_id)
        name = carts.display_name(variant) if variant else orders.line_name(line.order_line)
        if variant is None or variant.product.status != "active":
            sold_out.append(name)
            continue
        try:
            left = stock.reserve(variant, line.quantity, name)
        except OutOfStock:
            sold_out.append(name)
            continue
        reserved.append((line, variant, left))
    if sold_out:
        # All or nothing: half an exchange would ship some items and refund others.
        for line, variant, _left in reserved:
            stock.release(variant.id, variant.product_id, line.quantity)
        return sold_out
    ret.exchange_order = _replacement_order(ret, [(line, variant) for line, variant, _left
                                                  in reserved], now)
    for line, variant, left in reserved:
        alerts.low_stock(variant, left, line.quantity, ret.exchange_order, now)
    db.session.flush()
    return []


def _replacement_order(ret, reserved, now):
    """A paid order at no cost: the packing slip and tracking page list the items at ₩0,
    which is what the customer pays, and the events say which return it replaces."""
    original = ret.order
    order = Order(
        number=orders.new_number(), checkout_token=f"exchange-{ret.number}",
        user_id=original.user_id, email=original.email, locale=original.locale, status="paid",
        currency=original.currency, subtotal=0, discount=0, shipping=0, tax=0,
        tax_included=original.tax_included, tax_rate_bp=original.tax_rate_bp, fees=0, total=0,
        shipping_method_id=original.shipping_method_id,
        shipping_method_name=original.shipping_method_name,
        shipping_days_min=original.shipping_days_min, shipping_days_max=original.shipping_days_max,
        payment_method="exchange", placed_at=now,
        **{f"ship_{k}": getattr(original, f"ship_{k}") for k in orders.ADDRESS_FIELDS})
    for line, variant in reserved:
        order.lines.append(OrderLine(
            variant_id=variant.id, product_id=variant.product_id, title=variant.product.title,
            variant_title=variant.title, sku=variant.sku, unit_price=0, quantity=line.quantity,
            tax_rate_bp=line.order_line.tax_rate_bp))
    note = _("Replacement for return %(number)s.", number=ret.number)
    order.events.append(OrderEvent(status="placed", actor="system", note=note, created_at=now))
    order.events.append(OrderEvent(status="paid", actor="system", note=note, created_at=now))
    db.session.add(order)
    db.session.flush()
    payments.record(order, "capture", 0,
                    payments.Result(payments.SUCCEEDED, reference=ret.number))
    return order


def options(order):
    """{order_line_id: [Variant]}: what each line may be exchanged for, as check_variants
    accepts it: the other options of its product, still for sale, at the price paid. One query;
    stock is left to the caller to show (a sold-out option is shown, but disabled)."""
    product_ids = {line.product_id for line in order.lines if line.product_id}
    if not product_ids:
        return {}
    variants = db.session.scalars(
        db.select(Variant).join(Product).where(Variant.product_id.in_(product_ids),
                                               Product.status == "active")
        .order_by(Variant.product_id, Variant.position, Variant.id)).all()
    return {line.id: [v for v in variants if v.product_id == line.product_id
                      and v.id != line.variant_id and v.price == line.unit_price]
            for line in order.lines}


def switch_to_refund(ret):
    """Turn an exchange whose replacement sold out into a refund, with the fees the rules set
    for refunds, so the customer gets exactly what a refund would have given."""
    selections = [Selection(line.order_line_id, line.quantity) for line in ret.lines]
    amounts = estimate(ret.order, selections, "refund", line_rules(ret.order))
    ret.action = "refund"
    ret.items_amount = amounts.items_amount
    ret.restocking_fee = amounts.restocking_fee
    ret.return_shipping_fee = amounts.return_shipping_fee
    ret.refund_amount = amounts.refund_amount
    by_line = {line.order_line.id: line for line in amounts.lines}
    for line in ret.lines:
        line.amount = by_line[line.order_line_id].amount
        line.restocking_fee = by_line[line.order_line_id].restocking_fee
        line.exchange_variant_id = None
