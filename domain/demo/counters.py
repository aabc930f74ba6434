"""The demo's first-party counters: five weeks of product views and cart adds, per day in the
shop's zone, as the worker leaves them after folding the web processes' batches, so a first
`make run` shows "Trending this week" on the home page and numbers in the back office's "What
converts".

The figures follow the catalogue: a product that sells more (its `sales_count`) is looked at
more, about one look in fifteen goes to a cart, weekends are busier, and four products the
shop has not featured had a good week (a reason to feature one from "What converts"). Drawn
from a seeded random.Random, so every load is the same. Flushes, never commits.
"""
import random
from datetime import timedelta

from .. import shopconfig
from ..counters import local_day
from ..extensions import db
from ..models import DailyCounter, Product

DAYS = 35
# Views a day of a product nobody buys, and more per unit sold.
BASE_VIEWS, VIEWS_PER_SOLD = 2, 0.12
# One look in this many becomes a cart add, about.
CART_EVERY = 15
# How many of the products not featured had a good week, and how much better.
RISING, RISING_FACTOR = 4, 4


def load_counters(now, settings, seed=17):
    """Write the daily figures of the demo's products on sale; returns how many rows."""
    rng = random.Random(seed)
    today = local_day(now, shopconfig.zone(settings.timezone))
    found = db.session.scalars(db.select(Product).where(Product.status == "active")
                               .order_by(Product.id)).all()
    unfeatured = [p for p in found if not p.featured and p.stock_total > 0]
    rising = {p.id for p in rng.sample(unfeatured, min(RISING, len(unfeatured)))}
    rows = []
    for product in found:
        daily = BASE_VIEWS + VIEWS_PER_SOLD * (product.sales_count or 0)
        for days_ago in range(DAYS):
            day = today - timedelta(days=days_ago)
            expected = daily * (1.4 if day.weekday() >= 5 else 1.0)
            if product.id in rising and days_ago < 7:
                expected *= RISING_FACTOR
            views = max(0, round(rng.gauss(expected, expected / 4)))
            carts = sum(1 for _ in range(views) if rng.random() < 1 / CART_EVERY)
            for kind, count in (("view", views), ("cart", carts)):
                if count:
                    rows.append(DailyCounter(day=day, product_id=product.id, kind=kind,
                                             count=count))
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)
