"""A seeded order history for "Goes well with": orders written as rows, delivered or not."""
import secrets
from datetime import datetime, timezone

from domain.extensions import db
from domain.models import Order, OrderLine, Product, ReturnLine, ReturnRequest

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)


def order_of(products, status="delivered", user_id=None, email="buyer@example.com",
             delivered_at=NOW):
    """An order with one line per product (Product rows), stored as it is."""
    order = Order(number=secrets.token_hex(4).upper()[:8], checkout_token=secrets.token_hex(16),
                  user_id=user_id, email=email, status=status, currency="KRW",
                  subtotal=0, shipping=0, tax=0, tax_included=True, tax_rate_bp=0, total=0,
                  shipping_method_name="Standard", shipping_days_min=1, shipping_days_max=2,
                  payment_method="bank_transfer", ship_name="Kim", ship_line1="1 Road",
                  ship_city="Seoul", ship_region="Domestic", placed_at=NOW,
                  delivered_at=delivered_at if status == "delivered" else None)
    for product in products:
        order.lines.append(OrderLine(product_id=product.id, title=product.title, sku="S",
                                     unit_price=1000, quantity=1, tax_rate_bp=0))
    db.session.add(order)
    db.session.flush()
    return order


def return_line(order, product, status="refunded"):
    """A return of the order's line of `product`."""
    line = next(l for l in order.lines if l.product_id == product.id)
    ret = ReturnRequest(number=secrets.token_hex(4).upper()[:8],
                        request_token=secrets.token_hex(16), order_id=order.id, status=status,
                        action="refund", reason="changed_mind", currency="KRW")
    ret.lines.append(ReturnLine(order_line_id=line.id, product_id=product.id, quantity=1))
    db.session.add(ret)
    db.session.flush()
    return ret


def products_named(make, names, category_id=None, stock=5):
    made = {name: make.product(name, stock=stock, category_id=category_id) for name in names}
    return {name: db.session.get(Product, m["id"]) for name, m in made.items()}
