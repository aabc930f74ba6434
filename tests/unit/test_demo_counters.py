"""The demo's counters: five weeks of views and cart adds, so the home page has a "Trending this
week" block and "What converts" has numbers; they leave with the demo."""
from datetime import datetime, timezone

from domain import catalog, shopconfig, trending
from domain.demo import removal
from domain.extensions import db
from domain.models import DailyCounter


def test_the_demo_trends_and_converts(app, demo_shop):
    now = datetime.now(timezone.utc)
    with app.app_context():
        zone = shopconfig.current().zone
        shown = trending.trending(now, zone)
        assert len(shown) == trending.TRENDING_LIMIT
        assert all(p.status == "active" and p.stock_total > 0 for p in shown)
        # Not simply the best sellers again: products that had a good week are among them.
        best = [p.id for p in catalog.best_sellers(limit=trending.TRENDING_LIMIT)]
        assert [p.id for p in shown] != best
        week = trending.conversions(now, zone, days=7).rows.items
        month = trending.conversions(now, zone, days=30).rows.items
        assert week[0].views > 0 and week[0].carts > 0
        assert sum(r.views for r in month) > sum(r.views for r in week)
        assert [r.views for r in week] == sorted((r.views for r in week), reverse=True)
        # Figures a small studio could have: a few looks in fifteen end in a cart.
        total_views = sum(r.views for r in month)
        assert 0.03 < sum(r.carts for r in month) / total_views < 0.12


def test_removing_the_demo_takes_its_counters_with_it(app, demo_shop):
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DailyCounter)) > 0
        removal.remove(removal.find())
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(DailyCounter)) == 0
