"""Which orders the scorecard counts, and the days it counts them on.

An order counts as a sale once it is paid or is cash on delivery, and for as long as it is not
cancelled or expired: the statuses in COUNTED, plus "placed" for cash on delivery. Orders waiting
for a bank transfer or a card payment are not sales yet; a cancelled order stops being one.
Revenue is the order's total (goods, shipping and tax, after discounts and before store credit);
refunds of returns are not taken off it (the return rate says how much came back). Only orders in
the shop's currency are summed.

Days are the shop's days: midnight to midnight in its time zone (ShopConfig.timezone)."""
from datetime import datetime, time, timedelta, timezone
from statistics import median

from ..extensions import db
from ..models import Order
from ..shopconfig import zone

SALES_DAYS = 30
COUNTED = ("paid", "packed", "shipped", "out_for_delivery", "delivered")
# Orders the merchant still has to ship; their ship-by day may have passed.
UNSHIPPED = ("placed", "paid", "packed")


def counted(table=Order):
    """The condition for an order that counts as a sale (see the module's docstring)."""
    return db.or_(table.status.in_(COUNTED),
                  db.and_(table.status == "placed", table.payment_method == "cash_on_delivery"))


def day_starts(now, tz_name, days):
    """The shop's last `days` days, oldest first, ending with today: (first day, start instant
    of the first day in UTC, list of dates)."""
    tz = zone(tz_name)
    today = now.astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, tzinfo=tz).astimezone(now.tzinfo)
    return start, [first + timedelta(days=n) for n in range(days)]


def local_day(moment, tz_name):
    return moment.astimezone(zone(tz_name)).date()


def bucket(column, starts):
    """Which of the periods beginning at `starts` (ascending UTC instants) `column` falls in:
    0 for the first, ... The boundaries are worked out in Python, in the shop's zone (so a
    day or month is right across a daylight-saving change), and the database only compares:
    the same SQL on SQLite and PostgreSQL, one row per period instead of one per order."""
    return db.case(*[(column < start, index) for index, start in enumerate(starts[1:])],
                   else_=len(starts) - 1)


def day_bounds(dates, tz_name):
    """Each date's first instant in the shop's zone, as aware UTC datetimes."""
    tz = zone(tz_name)
    return [datetime.combine(d, time.min, tzinfo=tz).astimezone(timezone.utc) for d in dates]


def hours_between(later, earlier):
    """SQL for the hours from `earlier` to `later` (two datetime columns), on SQLite (stored
    as text julianday() reads) and PostgreSQL (timestamps)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return db.extract("epoch", later - earlier) / 3600.0
    return (db.func.julianday(later) - db.func.julianday(earlier)) * 24.0


def sql_median(value, count, *conditions):
    """The median of the SQL expression `value` over the `count` rows matching `conditions`
    (of one table), sorted by the database: two rows come back, never the whole period. None
    when no row matches."""
    if not count:
        return None
    middle = db.session.scalars(db.select(value).where(*conditions).order_by(value)
                                .limit(2 - count % 2).offset((count - 1) // 2)).all()
    return sum(float(v) for v in middle) / len(middle)


def median_or_none(values):
    return median(values) if values else None


def share_bp(part, whole):
    """part/whole in basis points (1 % = 100), rounded half up; None when whole is 0."""
    if not whole:
        return None
    return (part * 10_000 * 2 + whole) // (2 * whole)
