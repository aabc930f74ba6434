"""Co-purchase pairs: two products bought in the same delivered order, counted over every
delivered order whose lines were not returned, kept when at least `recommend_min_support`
orders had both.

The worker's job "recommend-pairs" computes them every night and, when
`recommend_after_orders` orders were delivered since its last run, at once: a delivery that
reaches the number moves the job's next run to now (`nudge`). A page view never computes
anything. The job's claim (domain/jobs.py) makes each run happen once with any number of
workers, and a run writes the whole table in its one transaction, only when the pairs changed
(the table is part of what storefront pages show, so a change renews the page cache)."""
from sqlalchemy import and_, func, select

from ..extensions import db
from ..models import Order, OrderLine, ProductPair, ReturnLine, ReturnRequest, ScheduledJob

JOB = "recommend-pairs"
NIGHTLY_AT = "03:15"


def _kept_lines():
    """(order_id, product_id) of every delivered line not in a return (a rejected return
    does not count), once per order and product."""
    returned = (select(ReturnLine.id)
                .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
                .where(ReturnLine.order_line_id == OrderLine.id,
                       ReturnRequest.status != "rejected")
                .exists())
    return (select(OrderLine.order_id, OrderLine.product_id)
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.status == "delivered", OrderLine.product_id.is_not(None), ~returned)
            .distinct()
            .subquery())


def count(min_support):
    """{(product_id, other_id): orders} in both directions, for pairs bought together in at
    least `min_support` delivered, not-returned orders. One query."""
    a, b = _kept_lines(), _kept_lines()
    support = func.count(a.c.order_id)
    rows = db.session.execute(
        select(a.c.product_id, b.c.product_id, support)
        .join(b, and_(a.c.order_id == b.c.order_id, a.c.product_id < b.c.product_id))
        .group_by(a.c.product_id, b.c.product_id)
        .having(support >= max(1, int(min_support)))).all()
    found = {}
    for first, second, n in rows:
        found[(first, second)] = n
        found[(second, first)] = n
    return found


def compute(now, config):
    """Write the pairs as they are now. Returns a line for the job's status."""
    found = count(config.recommend_min_support)
    stored = dict(((p.product_id, p.other_id), p.support)
                  for p in db.session.scalars(select(ProductPair)))
    if stored == found:
        return f"{len(found) // 2} pairs, unchanged"
    db.session.execute(db.delete(ProductPair))
    if found:
        db.session.execute(db.insert(ProductPair), [
            {"product_id": p, "other_id": o, "support": n, "computed_at": now}
            for (p, o), n in sorted(found.items())])
    db.session.flush()
    return f"{len(found) // 2} pairs from delivered orders"


def delivered_since_last_run():
    """Orders delivered since the job last started (all delivered orders before its first)."""
    started = db.session.scalar(select(ScheduledJob.started_at).where(ScheduledJob.name == JOB))
    query = select(func.count(Order.id)).where(Order.delivered_at.is_not(None))
    if started is not None:
        query = query.where(Order.delivered_at > started)
    return db.session.scalar(query)


def nudge(now, config):
    """Called when an order is delivered: once `recommend_after_orders` orders were delivered
    since the last run, the job runs at its next pass instead of waiting for the night (a
    conditional UPDATE of its schedule; the job's claim still runs it once)."""
    after = getattr(config, "recommend_after_orders", 0) or 0
    if after <= 0 or delivered_since_last_run() < after:
        return False
    moved = db.session.execute(
        db.update(ScheduledJob).where(ScheduledJob.name == JOB, ScheduledJob.next_due_at > now)
        .values(next_due_at=now).execution_options(synchronize_session=False))
    return moved.rowcount > 0


def for_product(product_id):
    """The stored pairs of one product, most bought together first: [(Product, support)]."""
    from ..models import Product
    return db.session.execute(
        select(Product, ProductPair.support).join(ProductPair, ProductPair.other_id == Product.id)
        .where(ProductPair.product_id == product_id)
        .order_by(ProductPair.support.desc(), Product.id)).all()


def last_computed():
    return db.session.scalar(select(func.max(ProductPair.computed_at)))


MAX_MIN_SUPPORT = 1000
MAX_AFTER_ORDERS = 100_000


def save_settings(min_support, after_orders):
    """The two settings: how many delivered orders make a pair (1-1000), and after how many
    new deliveries the pairs are computed before the night (0: only at night). A ShopError
    names what is out of range; nothing is saved then."""
    from flask_babel import gettext as _

    from ..errors import ShopError
    from ..shopconfig import get_settings_row
    if not isinstance(min_support, int) or not 1 <= min_support <= MAX_MIN_SUPPORT:
        raise ShopError(_("Bought together in how many orders: a whole number from 1 to %(most)d.",
                          most=MAX_MIN_SUPPORT))
    if not isinstance(after_orders, int) or not 0 <= after_orders <= MAX_AFTER_ORDERS:
        raise ShopError(_("Deliveries before computing again: a whole number from 0 to %(most)d.",
                          most=MAX_AFTER_ORDERS))
    row = get_settings_row()
    row.recommend_min_support = min_support
    row.recommend_after_orders = after_orders
    db.session.flush()
