"""A benchmark shop: a freshly migrated SQLite file filled with N products over ten categories.

Products are built as plain rows and pass through the same domain helpers the back office
uses (slugify, normalize_tags, set_description, refresh_summary), then go in as bulk INSERTs
of a few thousand rows per commit; the FTS index fills itself through the migration's triggers.
"""
import io
import random
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

CATEGORIES = (
    ("Mugs and cups", "Wheel-thrown mugs, cups and tumblers for every day."),
    ("Plates and bowls", "Tableware glazed in small batches."),
    ("Vases", "Vessels for a single stem or a full bunch."),
    ("Candles", "Soy and beeswax candles, poured by hand."),
    ("Textiles", "Towels, throws and napkins in natural fibres."),
    ("Kitchen tools", "Boards, spoons and utensils that last."),
    ("Stationery", "Notebooks, cards and pens for slow writing."),
    ("Bags", "Totes and pouches for the market and the office."),
    ("Jewellery", "Small pieces made by independent makers."),
    ("Home fragrance", "Diffusers, incense and room sprays."),
)
ADJECTIVES = ("Speckled", "Matte", "Glossy", "Hand-thrown", "Everyday", "Rustic", "Minimal",
              "Striped", "Washed", "Classic", "Soft", "Hammered", "Sand", "Ink", "Moss")
MATERIALS = ("Stoneware", "Porcelain", "Linen", "Cotton", "Oak", "Walnut", "Brass", "Wool",
             "Leather", "Glass")
NOUNS = ("Mug", "Cup", "Bowl", "Plate", "Vase", "Candle", "Towel", "Throw", "Board", "Spoon",
         "Notebook", "Tote", "Pouch", "Ring", "Diffuser", "Tray", "Jar", "Napkin", "Pen", "Dish")
COLOURS = ("Ivory", "Charcoal", "Sage")
SIZES = ("S", "M", "L")
VENDORS = ("Studio Onggi", "Jeju Craft", "Hanji House", "Seoul Made", "Busan Workshop")
# The search scenario's word: a material, found in about one product in ten.
SEARCH_WORD = "linen"
# Every product has a Korean title too, so Korean searches are measured on the same catalogue.
KO_MATERIALS = {"Stoneware": "석기", "Porcelain": "백자", "Linen": "리넨", "Cotton": "면",
                "Oak": "참나무", "Walnut": "호두나무", "Brass": "황동", "Wool": "울", "Leather": "가죽",
                "Glass": "유리"}
KO_NOUNS = {"Mug": "머그컵", "Cup": "컵", "Bowl": "그릇", "Plate": "접시", "Vase": "화병",
            "Candle": "캔들", "Towel": "수건", "Throw": "담요", "Board": "도마", "Spoon": "숟가락",
            "Notebook": "노트", "Tote": "토트백", "Pouch": "파우치", "Ring": "반지",
            "Diffuser": "디퓨저", "Tray": "쟁반", "Jar": "항아리", "Napkin": "냅킨", "Pen": "펜",
            "Dish": "찬기"}
SEARCH_WORDS_KO = ("머그컵", "머그", "호두나무 쟁반")
IMAGE_POOL = 8
FEATURED = 12


def _description(vendor, material, noun):
    return (
        f"A {noun.lower()} in {material.lower()}, made in small batches "
        f"by {vendor}. Each piece differs a little from the next: that is the "
        "mark of the hand that made it, not a flaw.\n\n"
        f"**Why we like it:** it is sturdy enough for every day and good-looking enough to "
        f"give as a present. Pair it with the rest of the {material.lower()} range.\n\n"
        f"- {material} from a supplier we have worked with for years\n"
        "- Finished and checked by hand\n"
        "- Packed plastic-free in recycled paper\n"
        "- Ships within two working days\n\n"
        "Care: wipe clean or wash by hand with mild soap, and dry straight away.")


def _images(upload_dir):
    """A small pool of real uploaded photos (stored through domain.images)."""
    from PIL import Image, ImageDraw

    from domain.images import store_image

    pool = []
    for n in range(IMAGE_POOL):
        image = Image.new("RGB", (800, 800), (200 - n * 9, 180 + n * 5, 150 + n * 7))
        draw = ImageDraw.Draw(image)
        for step in range(0, 400, 50):
            draw.ellipse((step, step // 2, 800 - step, 800 - step),
                         outline=(40 + n * 10, 60, 90), width=6)
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        pool.append(store_image(buffer.getvalue(), upload_dir))
    return pool


def _variants(rng, n, base_price, shape):
    compare = rng.random() < 0.15
    stock_roll = rng.random()

    def stock():
        if stock_roll < 0.05:
            return 0
        if stock_roll < 0.15:
            return rng.randint(0, 4)
        return rng.randint(5, 60)

    def variant(j, price, option1="", option2=""):
        return {"sku": f"BN-{n:06d}-{j}", "price": price, "stock": stock(), "position": j,
                "option1": option1, "option2": option2,
                "compare_at_price": (price * 6 // 5) // 100 * 100 if compare else None}

    if shape == "single":
        return "", "", [variant(0, base_price)]
    if shape == "size":
        return "Size", "", [variant(j, base_price + j * 2000, size) for j, size in enumerate(SIZES)]
    combos = [(s, c) for s in SIZES[:2] for c in COLOURS]
    return "Size", "Colour", [variant(j, base_price + (j // 3) * 3000, s, c)
                              for j, (s, c) in enumerate(combos)]


def settings(db):
    """KRW, 10 % tax included, free shipping over 50,000 and three shipping methods."""
    from domain.models import ShippingMethod, ShopSettings
    db.session.add(ShopSettings(
        id=1, name="Bench Shop", tagline="Handmade things for the home", email="hello@bench.test",
        phone="+82 2 1234 5678", hours="Mon-Fri 10:00-18:00", address="1 Benchmark-ro, Seoul",
        currency="KRW", tax_rate_bp=1000, prices_include_tax=True, free_shipping_threshold=50000,
        default_region="Domestic", timezone="Asia/Seoul", low_stock_threshold=5))
    db.session.add_all([
        ShippingMethod(name="Standard", region="Domestic", price=3000, days_min=2, days_max=3, position=0),
        ShippingMethod(name="Express", region="Domestic", price=6000, days_min=1, days_max=1, position=1),
        ShippingMethod(name="Jeju and islands", region="Islands", price=6000, days_min=3, days_max=5, position=2),
    ])
    db.session.commit()


def categories(db):
    from domain.products import create_category
    made = [create_category(name, description, position=i)
            for i, (name, description) in enumerate(CATEGORIES)]
    db.session.commit()
    return [c.id for c in made]


def products(db, count, category_ids, upload_dir, seed=42, batch=2000):
    """`count` products; product 1 is the richest (6 variants, 3 photos, featured).

    Rows are plain namespaces rather than ORM objects (ten times faster to build), passed
    through refresh_summary() and set_description() exactly as a saved product is.
    """
    from domain.models import Product, ProductImage, Variant
    from domain.products import normalize_tags, refresh_summary, set_description, slugify

    rng = random.Random(seed)
    pool = _images(upload_dir)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    rendered = {}
    rows = {Product: [], Variant: [], ProductImage: []}

    def flush():
        connection = db.session.connection()
        for model, items in rows.items():
            if items:
                connection.execute(model.__table__.insert(), items)
            items.clear()
        db.session.commit()

    for n in range(1, count + 1):
        adjective, material, noun = rng.choice(ADJECTIVES), rng.choice(MATERIALS), rng.choice(NOUNS)
        title = f"{adjective} {material} {noun} No. {n}"
        roll = rng.random()
        shape = "combo" if n == 1 or roll < 0.15 else ("size" if roll < 0.40 else "single")
        option1_name, option2_name, variant_rows = _variants(
            rng, n, rng.randrange(8000, 180000, 500), shape)
        created = start + timedelta(minutes=n * 97 + rng.randint(0, 60))
        product = SimpleNamespace(
            id=n, slug=slugify(title), title=title,
            summary=f"{adjective} {noun.lower()} in {material.lower()}.",
            specs=[["Material", material], ["Dimensions", f"{rng.randint(8, 40)} × {rng.randint(8, 40)} cm"],
                   ["Care", "Hand wash"], ["Origin", "Korea"]],
            vendor=rng.choice(VENDORS), product_type=noun,
            tags=normalize_tags([material, noun, adjective, "gift" if rng.random() < 0.3 else ""]),
            option1_name=option1_name, option2_name=option2_name,
            category_id=category_ids[(n - 1) % len(category_ids)],
            status="active" if n <= FEATURED or rng.random() < 0.98 else rng.choice(("draft", "archived")),
            featured=n <= FEATURED, featured_position=n if n <= FEATURED else 0,
            sales_count=int(rng.paretovariate(1.2) * 3) if rng.random() < 0.3 else 0,
            created_at=created, updated_at=created,
            translations={"ko": {"title": f"{KO_MATERIALS[material]} {KO_NOUNS[noun]} {n}호"}},
        )
        # Rendering Markdown is the slow part of a product save; the texts repeat, so each
        # distinct one is rendered once through the domain function and copied.
        source = _description(product.vendor, material, noun)
        if source not in rendered:
            set_description(product, source)
            rendered[source] = (product.description_md, product.description_html,
                                product.description_text)
        product.description_md, product.description_html, product.description_text = rendered[source]
        variants = [dict(row, product_id=n) for row in variant_rows]
        photos = 3 if n == 1 else rng.choice((1, 1, 2, 3))
        first = rng.randrange(len(pool))
        images = [{"product_id": n, "key": pool[(first + k) % len(pool)][0],
                   "width": pool[(first + k) % len(pool)][1],
                   "height": pool[(first + k) % len(pool)][2],
                   "alt": f"{title}, photo {k + 1}", "position": k}
                  for k in range(photos)]
        product.variants = [SimpleNamespace(**v) for v in variants]
        product.images = [SimpleNamespace(**i) for i in images]
        refresh_summary(product)
        del product.variants, product.images
        rows[Product].append(vars(product))
        rows[Variant].extend(variants)
        rows[ProductImage].extend(images)
        if len(rows[Product]) >= batch:
            flush()
    flush()


def build(database_uri, instance_dir, count):
    """Migrate a new database at database_uri and fill it; returns what the scenarios need."""
    import os

    from flask_migrate import upgrade

    from domain.extensions import db
    from domain.models import Category, Product, Variant
    from domain.shopconfig import changed
    from shop import create_app

    config = {
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "SECRET_KEY": "bench-seed",
        "UPLOAD_FOLDER": os.path.join(instance_dir, "uploads"),
        "STOREFRONT_VERSION_FILE": os.path.join(instance_dir, "storefront.version"),
    }
    app = create_app(config)
    with app.test_request_context():
        upgrade()
        settings(db)
        category_ids = categories(db)
        products(db, count, category_ids, config["UPLOAD_FOLDER"])
        changed()
        first = db.session.get(Product, 1)
        info = {
            "category_slug": db.session.get(Category, category_ids[0]).slug,
            "product_slug": first.slug,
            "product_title": first.title,
            "search_word": SEARCH_WORD,
            "search_words_ko": SEARCH_WORDS_KO,
            "products": db.session.scalar(db.select(db.func.count(Product.id))),
            "variants": db.session.scalar(db.select(db.func.count(Variant.id))),
        }
        db.session.remove()
        db.engine.dispose()
    return info
