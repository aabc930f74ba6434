"""When an order should leave the workshop: the shop's handling days, counted as working days
(Monday to Friday) in the shop's time zone, after it was paid, or after it was placed for cash
on delivery (the courier collects later). The order is due by the end of that day. The
scorecard counts orders shipped after it, and the order list flags the ones past it."""
from datetime import datetime, time, timedelta

from .shopconfig import zone


def due(start, handling_days, tz):
    """The end of the `handling_days`-th working day after `start` (aware, UTC), in zone `tz`:
    0 means the same day (or the next working day, for an order placed at a weekend)."""
    day = start.astimezone(tz).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    left = max(0, handling_days or 0)
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return end.astimezone(start.tzinfo) - timedelta(microseconds=1)


def stamp(order, status, now, config):
    """Record when `order` reached `status`, the first time only, and its ship-by day once it
    may be shipped. Called by orders.set_status and place_order in the order's transaction."""
    if status == "paid" and order.paid_at is None:
        order.paid_at = now
    elif status == "shipped" and order.shipped_at is None:
        order.shipped_at = now
    elif status == "delivered" and order.delivered_at is None:
        order.delivered_at = now
    starts = status == "paid" or (status == "placed" and order.collects_on_delivery)
    if starts and order.ship_by is None:
        order.ship_by = due(now, getattr(config, "handling_days", 2), zone(config.timezone))
