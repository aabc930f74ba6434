"""A benchmark shop: a freshly migrated SQLite file filled with N products over ten categories.

Products are built as plain rows and pass through the same domain helpers the back office
uses (slugify, normalize_tags, set_description, refresh_summary, which fills the search
columns), then go in as bulk INSERTs in one transaction. The search indexes are filled once at
the end, from the product table, instead of row by row through their triggers: the two insert
triggers are set aside for the load and put back exactly as the migration wrote them
(tests/web/test_bench_seed.py checks that a product loaded this way renders and is found like
one saved through the back office).
"""
import contextlib
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
# Two words: a material and a noun, together in about one product in two hundred.
SEARCH_TWO_WORDS = "linen mug"
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
    connection = db.session.connection()

    def flush():
        for model, items in rows.items():
            if items:
                connection.execute(model.__table__.insert(), items)
            items.clear()

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



# The product whose page carries reviews in `make bench` ("product-reviews"), and how many.
REVIEWED_PRODUCT = 2
REVIEW_COUNT = 40


def reviews(db, product_id, count, seed=11):
    """`count` published reviews of one product (every third with the shop's reply, every
    fourth with photos, a few with the thank-you credit), counted onto the product row by
    ratings.recount as the shop does. The photo rows name no file: the page only links them."""
    from domain.models import Review, ReviewPhoto
    from domain.reviews import ratings

    rng = random.Random(seed)
    start = datetime(2025, 6, 1, tzinfo=timezone.utc)
    for n in range(count):
        when = start + timedelta(hours=n * 13)
        review = Review(
            product_id=product_id, reviewer=f"email:reviewer{n}@bench.test",
            email=f"reviewer{n}@bench.test", author_name=f"Reviewer {n}",
            variant_title=rng.choice(("Small", "Large", "Blue / M")),
            rating=rng.choice((5, 5, 5, 4, 4, 3, 2, 1)),
            title=f"Review {n}: {rng.choice(ADJECTIVES).lower()} and well made",
            body=" ".join(rng.choice(("Lovely glaze.", "Heavier than it looks.", "Arrived well packed.",
                                      "The colour is darker than the photo.", "Would buy again."))
                          for _ in range(rng.randint(2, 6))),
            recommend=rng.random() < 0.8, status="published", published_at=when,
            created_at=when, updated_at=when, helpful_count=rng.randint(0, 30),
            incentive="credit" if n % 10 == 0 else "",
            reply="Thank you for writing; we passed it on to the workshop." if n % 3 == 0 else "",
            replied_at=when if n % 3 == 0 else None)
        if n % 4 == 0:
            review.photos = [ReviewPhoto(key=f"{n:08x}{k:024x}", width=1024, height=768, position=k)
                             for k in range(rng.randint(1, 2))]
        db.session.add(review)
    ratings.recount(product_id)


# Order statuses in the proportions of a shop a few years old: most orders delivered.
ORDER_MIX = (("delivered", 70), ("shipped", 8), ("paid", 6), ("packed", 4), ("placed", 4),
             ("cancelled", 5), ("payment_expired", 3))


def goes_well(db, product_id, count=4):
    """"Goes well with" for the measured product page: `count` co-purchase pairs as the
    worker's job stores them (both directions), with products of other categories, so the page
    shows the first step of the chain, not the category's best sellers."""
    from datetime import datetime, timezone

    from domain.models import Product, ProductPair

    others = db.session.scalars(
        db.select(Product.id).where(Product.id != product_id, Product.stock_total > 0)
        .order_by(Product.id.desc()).limit(count)).all()
    now = datetime.now(timezone.utc)
    for support, other in enumerate(others, start=2):
        db.session.add(ProductPair(product_id=product_id, other_id=other, support=support,
                                   computed_at=now))
        db.session.add(ProductPair(product_id=other, other_id=product_id, support=support,
                                   computed_at=now))


def _order_number(n):
    """A number in the shop's own alphabet and shape ('K7Q-4D2M'), distinct for each n."""
    from domain.orders import NUMBER_ALPHABET

    chars = []
    for _ in range(7):
        n, digit = divmod(n, len(NUMBER_ALPHABET))
        chars.append(NUMBER_ALPHABET[digit])
    chars = "".join(reversed(chars))
    return f"{chars[:3]}-{chars[3:]}"


def orders(db, count, products_count, seed=7, batch=5000):
    """`count` past orders of one to three lines each, spread over the last two years, for the
    back office's lists. Rows as checkout writes them (copied titles, prices, tax), without the
    payment and email records that list pages never read."""
    from domain.models import Order, OrderLine, Product, Variant

    rng = random.Random(seed)
    statuses = [status for status, weight in ORDER_MIX for _ in range(weight)]
    catalogue = db.session.execute(
        db.select(Variant.id, Variant.product_id, Variant.sku, Variant.price, Variant.option1,
                  Variant.option2, Product.title)
        .join(Product, Product.id == Variant.product_id)
        .where(Variant.product_id <= min(products_count, 2000))).all()
    end = datetime(2026, 11, 30, tzinfo=timezone.utc)
    span = 2 * 365 * 24 * 3600
    connection = db.session.connection()
    rows = {Order: [], OrderLine: []}
    line_id = 0

    def flush():
        for model, items in rows.items():
            if items:
                connection.execute(model.__table__.insert(), items)
            items.clear()

    for n in range(1, count + 1):
        placed = end - timedelta(seconds=span * (count - n) // count + rng.randint(0, 59))
        lines = []
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            v = rng.choice(catalogue)
            line_id += 1
            lines.append({"id": line_id, "order_id": n, "variant_id": v.id, "product_id": v.product_id,
                          "title": v.title, "variant_title": " / ".join(x for x in (v.option1, v.option2) if x),
                          "sku": v.sku, "unit_price": v.price, "quantity": rng.choice((1, 1, 2)),
                          "tax_rate_bp": 1000})
        subtotal = sum(line["unit_price"] * line["quantity"] for line in lines)
        shipping = 0 if subtotal >= 50000 else 3000
        total = subtotal + shipping
        status = rng.choice(statuses)
        rows[Order].append({
            "id": n, "number": _order_number(n * 7919 + 1_000_003), "checkout_token": f"bench-{n}",
            "email": f"customer{rng.randint(1, count // 3 + 1)}@example.com", "locale": "ko",
            "status": status, "currency": "KRW", "subtotal": subtotal, "discount": 0,
            "shipping": shipping, "tax": total - total * 10000 // 11000, "tax_included": True,
            "tax_rate_bp": 1000, "fees": 0, "total": total, "credit_applied": 0,
            "shipping_method_name": "Standard", "shipping_days_min": 2, "shipping_days_max": 3,
            "payment_method": rng.choice(("bank_transfer", "bank_transfer", "cash_on_delivery")),
            "ship_name": f"Customer {n}", "ship_phone": "+82 10 0000 0000",
            "ship_line1": f"{n} Benchmark-ro", "ship_line2": "", "ship_city": "Seoul",
            "ship_postcode": "04524", "ship_region": "Domestic", "ship_country": "KR",
            "carrier": "CJ" if status in ("shipped", "delivered") else "",
            "tracking_number": f"CJ{n:010d}" if status in ("shipped", "delivered") else "",
            "undo_until": placed + timedelta(minutes=30), "pay_by": None,
            "placed_at": placed, "updated_at": placed})
        rows[OrderLine].extend(lines)
        if len(rows[Order]) >= batch:
            flush()
    flush()


def merchant(db, email, password):
    """The shop's owner, to sign in to the back office."""
    from domain.accounts import register

    register(email, password, name="Bench Merchant", merchant=True)
    db.session.commit()


# The triggers that copy each new product row into the search indexes (migration 0008).
INSERT_TRIGGERS = ("product_fts_insert", "product_grams_insert")
SEARCH_INDEXES = ("product_fts", "product_grams")


@contextlib.contextmanager
def bulk_load(db):
    """One transaction for the whole load, with the search indexes filled once at the end.

    On SQLite with the FTS5 indexes, the insert triggers are dropped for the load and created
    again from their own stored SQL, and each index is rebuilt from the product table (what
    the triggers would have written, row by row, several times slower). Other databases have
    nothing to set aside."""
    connection = db.session.connection()
    sqlite = connection.dialect.name == "sqlite"
    triggers = []
    if sqlite:
        # A throwaway file: no need to wait for the disk (this connection only).
        connection.exec_driver_sql("PRAGMA synchronous = OFF")
        triggers = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)",
            INSERT_TRIGGERS).scalars().all()
        for name in INSERT_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    yield
    if triggers:
        for index in SEARCH_INDEXES:
            connection.exec_driver_sql(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
        for sql in triggers:
            connection.exec_driver_sql(sql)
    db.session.commit()


MERCHANT_EMAIL = "owner@bench.test"
MERCHANT_PASSWORD = "bench-owner-password"


def build(database_uri, instance_dir, count, order_count=0):
    """Migrate a new database at database_uri and fill it with `count` products and
    `order_count` past orders (and the merchant who signs in to see them); returns what the
    scenarios need, with the seconds the products and orders took to load."""
    import time

    import os

    from flask_migrate import upgrade

    from domain.extensions import db
    from domain.models import Category, Order, Product, Variant
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
        started = time.monotonic()
        with bulk_load(db):
            products(db, count, category_ids, config["UPLOAD_FOLDER"])
        loaded = time.monotonic()
        reviewed = min(REVIEWED_PRODUCT, count)
        reviews(db, reviewed, REVIEW_COUNT)
        goes_well(db, 1)
        db.session.commit()
        if order_count:
            orders(db, order_count, count)
            db.session.commit()
            merchant(db, MERCHANT_EMAIL, MERCHANT_PASSWORD)
        changed()
        first = db.session.get(Product, 1)
        info = {
            "category_slug": db.session.get(Category, category_ids[0]).slug,
            "product_slug": first.slug,
            "product_title": first.title,
            "reviewed_slug": db.session.get(Product, reviewed).slug,
            "search_word": SEARCH_WORD,
            "search_words_ko": SEARCH_WORDS_KO,
            "products": db.session.scalar(db.select(db.func.count(Product.id))),
            "variants": db.session.scalar(db.select(db.func.count(Variant.id))),
            "orders": db.session.scalar(db.select(db.func.count(Order.id))),
            "merchant": (MERCHANT_EMAIL, MERCHANT_PASSWORD) if order_count else None,
            "seed_products_s": round(loaded - started, 1),
            "seed_orders_s": round(time.monotonic() - loaded, 1),
        }
        db.session.remove()
        db.engine.dispose()
    return info
