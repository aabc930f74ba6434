"""What the counters say: the home page's "Trending this week" and the back office's "what
converts" table (views -> cart -> orders per product), and featuring a product from it.

Views and cart adds are the folded counters (domain/counters.py: DailyCounter, per day in the
shop's zone); orders are the order lines of the period, which the database holds exactly. What
a web process counted in the last half minute, and what the worker has not folded yet, is not
in the figures.
"""
from dataclasses import dataclass
from datetime import datetime, time, timezone

from flask_babel import gettext as _
from sqlalchemy import case, func

from . import catalog
from .counters import days_back, local_day
from .errors import ShopError
from .extensions import db
from .models import DailyCounter, Order, OrderLine, Product

# "This week": today and the six days before, in the shop's zone.
TRENDING_DAYS = 7
TRENDING_LIMIT = 4
# A product needs this many views in the week to trend: a single look is not a trend.
TRENDING_MIN_VIEWS = 3
# A cart add says more than a look: the score is views + CART_WEIGHT x cart adds.
CART_WEIGHT = 5
# The back office's periods, in days, and its default.
PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
SORTS = ("views", "carts", "cart_rate", "orders", "order_rate", "title")
PER_PAGE = 30
# Orders that did not go ahead do not count as orders of the product.
NOT_ORDERS = ("cancelled", "payment_expired")


def _counted(first_day, last_day):
    """Views and cart adds per product over the days, as a subquery."""
    views = func.sum(case((DailyCounter.kind == "view", DailyCounter.count), else_=0))
    carts = func.sum(case((DailyCounter.kind == "cart", DailyCounter.count), else_=0))
    return (db.select(DailyCounter.product_id, views.label("views"), carts.label("carts"))
            .where(DailyCounter.day >= first_day, DailyCounter.day <= last_day)
            .group_by(DailyCounter.product_id).subquery("counted"))


def trending(now, zone, limit=TRENDING_LIMIT):
    """Products on sale most looked at and added to carts this week (views + 5 x cart adds),
    at least TRENDING_MIN_VIEWS views each; sold-out products are left out. One query."""
    today = local_day(now, zone)
    counted = _counted(days_back(today, TRENDING_DAYS), today)
    score = counted.c.views + CART_WEIGHT * counted.c.carts
    return db.session.scalars(
        db.select(Product).join(counted, counted.c.product_id == Product.id)
        .where(Product.status == "active", Product.stock_total > 0,
               counted.c.views >= TRENDING_MIN_VIEWS)
        .order_by(score.desc(), Product.id).limit(limit)).all()


@dataclass(frozen=True)
class Conversion:
    """One product's funnel over a period."""
    product: Product
    views: int
    carts: int
    orders: int

    @staticmethod
    def _rate(part, whole):
        # In basis points (1250 = 12.5 %), None when there is nothing to divide by.
        return part * 10000 // whole if whole else None

    @property
    def cart_rate(self):
        """Cart adds per view."""
        return self._rate(self.carts, self.views)

    @property
    def order_rate(self):
        """Orders per view."""
        return self._rate(self.orders, self.views)


@dataclass(frozen=True)
class Funnel:
    """A page of the table, with the period and order it was read in."""
    rows: catalog.Page
    days: int
    sort: str
    descending: bool
    first_day: object
    last_day: object


def period_days(value):
    """A period the table offers, from what the address says (the default otherwise)."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


def conversions(now, zone, days=DEFAULT_PERIOD, sort="views", descending=None, page=1,
                per_page=PER_PAGE):
    """Every product on sale with its views, cart adds and orders over the last `days` days
    (today included, in the shop's zone), sorted by `sort` (SORTS; rates treat "no views" as
    below any rate), a page at a time. Orders: distinct orders placed in the period with a
    line of the product, except cancelled and expired ones. Two queries (count and page)."""
    days = days if days in PERIODS else DEFAULT_PERIOD
    sort = sort if sort in SORTS else "views"
    if descending is None:
        descending = sort != "title"
    last_day = local_day(now, zone)
    first_day = days_back(last_day, days)
    since = datetime.combine(first_day, time.min, tzinfo=zone).astimezone(timezone.utc)
    counted = _counted(first_day, last_day)
    ordered = (db.select(OrderLine.product_id,
                         func.count(func.distinct(OrderLine.order_id)).label("orders"))
               .join(Order, Order.id == OrderLine.order_id)
               .where(Order.placed_at >= since, Order.placed_at <= now,
                      Order.status.notin_(NOT_ORDERS), OrderLine.product_id.isnot(None))
               .group_by(OrderLine.product_id).subquery("ordered"))
    views = func.coalesce(counted.c.views, 0)
    carts = func.coalesce(counted.c.carts, 0)
    orders = func.coalesce(ordered.c.orders, 0)
    columns = {"views": views, "carts": carts, "orders": orders, "title": Product.title,
               "cart_rate": carts * 1.0 / func.nullif(views, 0),
               "order_rate": orders * 1.0 / func.nullif(views, 0)}
    column = columns[sort]
    order = (column.desc() if descending else column.asc()).nulls_last()
    conditions = (Product.status == "active",)
    total = db.session.scalar(db.select(func.count(Product.id)).where(*conditions)) or 0
    page = catalog.clamp_page(page, total, per_page)
    found = db.session.execute(
        db.select(Product, views, carts, orders)
        .outerjoin(counted, counted.c.product_id == Product.id)
        .outerjoin(ordered, ordered.c.product_id == Product.id)
        .where(*conditions)
        .order_by(order, Product.id.desc() if descending else Product.id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    rows = [Conversion(product, int(v), int(c), int(o)) for product, v, c, o in found]
    return Funnel(rows=catalog.Page(items=rows, page=page, per_page=per_page, total=total),
                  days=days, sort=sort, descending=descending, first_day=first_day,
                  last_day=last_day)


class NotOnSale(ShopError):
    pass


def feature(product, featured):
    """Show the product in the home page's "Featured" block, or take it out (the product's
    own `featured` switch, which the product form edits too). Only a product on sale can be
    featured. Returns whether the home page now shows it (it shows the first
    catalog.featured() products by position)."""
    if featured and product.status != "active":
        raise NotOnSale(_("Only a product on sale can be featured: publish “%(title)s” first.",
                          title=product.title))
    product.featured = bool(featured)
    db.session.flush()
    return product.featured and any(p.id == product.id for p in catalog.featured())
