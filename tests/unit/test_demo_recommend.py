"""The demo shows "Goes well with" from a first `make run`: the studio's picks, and pairs
computed from the demo's delivered orders, as the worker would."""
from domain import shopconfig
from domain.extensions import db
from domain.models import Product, ProductPair
from domain.recommend import complements, pairs
from domain.recommend.suggest import suggestions


def product(title):
    return db.session.scalar(db.select(Product).where(Product.title == title))


def test_the_demo_has_picks_and_the_pairs_of_its_delivered_orders(app, demo_shop):
    with app.app_context():
        jar = product("Moon Jar")
        assert [p.title for p in complements.of(jar.id)] == ["Bud Vase", "Storage Jar"]
        stored = {(p.product_id, p.other_id): p.support
                  for p in db.session.scalars(db.select(ProductPair))}
        assert stored == pairs.count(shopconfig.current().recommend_min_support)
        found = suggestions([jar.id], shopconfig.current())
        assert found and jar not in found.products
        assert all(p.stock_total > 0 and p.status == "active" for p in found.products)
