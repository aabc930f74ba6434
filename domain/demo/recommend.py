""""Goes well with" in the demo: the studio's own picks for a few pieces (the moon jar with a
bud vase, the teapot with its cups), and the co-purchase pairs computed, as the worker does,
from whatever delivered orders the demo holds. Called last, so every demo order counts.
Flushes, never commits."""
from ..extensions import db
from ..models import Product
from ..recommend import complements, pairs

# (product, [what the studio picked to go with it, in order]), by English title.
PICKS = [
    ("Moon Jar", ["Bud Vase", "Storage Jar"]),
    ("Side-Handle Teapot", ["Tea Cups, Set of 2", "Tea Canister"]),
    ("Round Teapot", ["Tea Cups, Set of 2", "Tea Bowl"]),
    ("Rice Bowl", ["Banchan Dishes, Set of 4", "Noodle Bowl"]),
    ("Everyday Mug", ["Espresso Cup", "Latte Cup"]),
    ("Dinner Plate", ["Side Plate", "Pasta Plate"]),
]


def load_recommendations(now, settings):
    """The picks, then the pairs. Returns the number of pairs found."""
    by_title = {p.title: p for p in db.session.scalars(db.select(Product))}
    for title, picked in PICKS:
        product = by_title.get(title)
        if product is None:
            continue
        complements.replace(product, [by_title[t] for t in picked if t in by_title])
    pairs.compute(now, settings)
    return db.session.scalar(db.select(db.func.count()).select_from(pairs.ProductPair)) // 2
