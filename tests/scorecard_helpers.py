"""Orders stored as they stand after their history, for the scorecard's tests: one row each,
with the stage times orders.set_status would have stamped."""
from datetime import timedelta

from domain.extensions import db
from domain.models import Order

_count = [0]


def order_row(placed_at, status="delivered", total=10000, email="a@example.com", paid_at=None,
              shipped_at=None, ship_by=None, delivered_at=None, payment="bank_transfer",
              discount=0, points_discount=0, currency="KRW"):
    _count[0] += 1
    n = _count[0]
    order = Order(number=f"T{n:06d}", checkout_token=f"score-{n}", email=email, status=status,
                  currency=currency, subtotal=total, discount=discount,
                  points_discount=points_discount, shipping=0, tax=0, tax_included=True,
                  tax_rate_bp=1000, total=total, shipping_method_name="Standard",
                  shipping_days_min=1, shipping_days_max=2, payment_method=payment,
                  ship_name="Kim", ship_line1="1 Road", ship_city="Seoul", ship_region="Domestic",
                  placed_at=placed_at, paid_at=paid_at, shipped_at=shipped_at, ship_by=ship_by,
                  delivered_at=delivered_at, updated_at=placed_at)
    db.session.add(order)
    return order


def shipped_row(paid_at, hours_to_ship, ship_by, **values):
    return order_row(paid_at, status="shipped", paid_at=paid_at,
                     shipped_at=paid_at + timedelta(hours=hours_to_ship), ship_by=ship_by, **values)
