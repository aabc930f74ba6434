"""A believable demo shop: Moonjar Studio, a small ceramics studio in Seoul.

Everything is made here, reproducibly (a seeded random.Random): settings, shipping, five
categories, forty products with glaze and size variants, return rules and policy texts, and
product photos drawn with Pillow (no downloads) that go through the real upload pipeline in
domain.images; delivered orders with their reviews, a change note and testimonials
(reviews.py); an order history of about a hundred guests' orders over sixty days
(history.py); coupons, points, tiers and the demo customer's points (loyalty.py); five weeks of
product views and cart adds (counters.py). The shop speaks English first and Korean too: every text a shopper reads has its
Korean translation (catalogue_ko.py, policies_ko.py). The caller commits.
"""
import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from .. import accounts, localized, products
from ..extensions import db
from ..models import BusinessHours, Holiday, Product, ProductImage, ShippingMethod, ShopSettings, User
from ..shopconfig import get_settings_row
from . import catalogue_ko as ko
from .catalogue import (CATEGORIES, CUSTOMER_EMAIL, GLAZES, HOLIDAYS, HOURS, MERCHANT_EMAIL,
                        PERSONA, PRODUCTS, REPLY_TARGETS, SETTINGS, SHIPPING, VENDOR)
from .photos import SIZE, photo_plan, render_all
from .faq import write_faq
from .helpdesk import load_help_desk
from .history import load_history
from .policies import write_policies
from .loyalty import load_loyalty
from .campaigns import load_campaigns
from .brand import load_brand
from .newsletter import load_newsletter
from .recommend import load_recommendations
from .counters import load_counters
from .reviews import load_reviews


@dataclass
class DemoResult:
    products: list = field(default_factory=list)
    categories: int = 0
    variants: int = 0
    images: int = 0
    questions: int = 0
    reviews: int = 0
    orders: int = 0  # the order history's (history.py)
    accounts: list = field(default_factory=list)  # (role, email, password or None if it existed)


def catalogue_is_empty():
    """True for a shop nobody has started: no products, no accounts, no saved settings.

    A merchant who has signed up or saved settings but has no products yet keeps their shop:
    `make run` would otherwise replace their name and currency with the demo's.
    """
    return not any(db.session.scalar(db.select(model.id).limit(1)) is not None
                   for model in (Product, User, ShopSettings))


def load_demo(upload_dir, seed=2024, now=None, photo_size=SIZE):
    """Fill an empty shop with the demo. Passwords are random and returned once. Photos are
    photo_size pixels square (tests draw smaller ones: the same code, a quarter of the work)."""
    rng = random.Random(seed)
    now = now or datetime.now(timezone.utc)
    plans = [photo_plan(spec, rng) for spec in PRODUCTS]
    collect = render_all([job for plan in plans for job in plan], upload_dir, photo_size)
    try:
        result = _write_shop(rng, now)
        result.reviews = load_reviews(now, get_settings_row(), photo_size)
        result.orders = load_history(now, get_settings_row())
        load_loyalty(now, get_settings_row())
        load_brand(now, upload_dir)
        load_newsletter(now)
        load_campaigns(now)
        load_counters(now, get_settings_row())
        # Last: the pairs come from every delivered order the demo wrote.
        load_recommendations(now, get_settings_row())
    finally:
        stored = iter(collect())
    for product, plan in zip(result.products, plans):
        for key, width, height, alt in (next(stored) for _ in plan):
            product.images.append(ProductImage(key=key, width=width, height=height, alt=alt,
                                               position=len(product.images)))
        products.refresh_summary(product)
        result.images += len(plan)
    db.session.flush()
    return result


def _write_shop(rng, now):
    result = DemoResult()
    settings = get_settings_row()
    for name, value in SETTINGS.items():
        setattr(settings, name, value)
    _write_hours(settings, now)
    if not db.session.scalar(db.select(db.func.count(ShippingMethod.id))):
        for position, (name, region, price, low, high) in enumerate(SHIPPING):
            db.session.add(ShippingMethod(name=name, region=region, price=price, days_min=low,
                                          days_max=high, position=position))
    main = settings.main_language
    categories = [products.category_by_name(kind.name) for kind in CATEGORIES]
    for position, (category, kind) in enumerate(zip(categories, CATEGORIES)):
        category.description, category.position = kind.description, position
        localized.set_translation(category, ko.LANGUAGE, ko.category_texts(kind.name), main)
    result.categories = len(categories)
    for number, (spec, code) in enumerate(zip(PRODUCTS, _codes())):
        product = _create(spec, code, categories[spec["cat"]], rng)
        _translate(product, spec, main)
        # Spread over four months, so "newest" and "best sellers" have something to sort.
        product.created_at = now - timedelta(days=3 * (len(PRODUCTS) - number),
                                             hours=rng.randint(0, 20))
        product.sales_count = spec.get("sold", 0)
        result.products.append(product)
        result.variants += len(product.variants)
    write_policies(categories, result.products, now, settings.currency, main)
    result.questions = write_faq(main)
    for role, email, name, merchant in (("merchant", MERCHANT_EMAIL, "Studio Owner", True),
                                        ("customer", CUSTOMER_EMAIL, "Minji Park", False)):
        if accounts.find_by_email(email):
            result.accounts.append((role, email, None))
            continue
        password = secrets.token_urlsafe(12)
        accounts.register(email, password, name=name, merchant=merchant)
        result.accounts.append((role, email, password))
    load_help_desk(now, main)
    return result


def next_holiday(today):
    """The first of HOLIDAYS after `today`: (date, label)."""
    return min((date(today.year + later, month, day), label)
               for later in (0, 1) for month, day, label in HOLIDAYS
               if date(today.year + later, month, day) > today)


def _write_hours(settings, now):
    """The studio's week, the next public holiday, its reply times and Mina, who answers."""
    for name, value in REPLY_TARGETS.items():
        setattr(settings, name, value)
    settings.persona = PERSONA
    if db.session.scalar(db.select(db.func.count(BusinessHours.id))):
        return
    for weekday, opens, closes in HOURS:
        db.session.add(BusinessHours(weekday=weekday, opens_minute=opens, closes_minute=closes))
    day, label = next_holiday(now.astimezone(ZoneInfo(settings.timezone)).date())
    if db.session.scalar(db.select(Holiday.id).where(Holiday.day == day)) is None:
        db.session.add(Holiday(day=day, label=label))


def _codes():
    """Each product's SKU stem, numbered within its category: MJ-MUG01, MJ-MUG02, MJ-BWL01..."""
    numbers = [0] * len(CATEGORIES)
    for spec in PRODUCTS:
        numbers[spec["cat"]] += 1
        yield f"MJ-{CATEGORIES[spec['cat']].code}{numbers[spec['cat']]:02d}"


def _sku(code, glaze, size):
    return "-".join(filter(None, (code, GLAZES[glaze][0], size[:1])))


def demo_skus():
    """Every SKU the demo makes: how its products are told from the merchant's own."""
    return {_sku(code, glaze, size)
            for spec, code in zip(PRODUCTS, _codes())
            for glaze in spec["glazes"]
            for size, _delta, _dims in (spec.get("sizes") or [("", 0, "")])}


def _create(spec, code, category, rng):
    """One product with a variant per glaze (and size): SKUs like MJ-MUG01-CEL or MJ-BWL04-CEL-M."""
    kind = CATEGORIES[spec["cat"]]
    sizes = spec.get("sizes") or [("", 0, spec["dims"])]
    extra = (spec.get("compare") or spec["price"]) - spec["price"]
    variants = []
    for glaze in spec["glazes"]:
        for size, delta, _dims in sizes:
            stock = rng.randint(6, 40)
            if spec.get("low") or (spec.get("low_variant") == len(variants)):
                stock = rng.randint(1, 3)
            if spec.get("sold_out") or spec.get("out_variant") == len(variants):
                stock = 0
            sku = _sku(code, glaze, size)
            variants.append(dict(sku=sku, option1=glaze, option2=size, price=spec["price"] + delta,
                                 compare_at_price=spec["price"] + delta + extra if extra else None,
                                 stock=stock))
    specs = [["Dimensions", " · ".join(f"{s}: {d}" if s else d for s, _delta, d in sizes)]]
    if spec["capacity"]:
        specs.append(["Capacity", spec["capacity"]])
    specs += [["Material", "Stoneware, lead-free glaze"], ["Dishwasher safe", kind.dishwasher],
              ["Microwave safe", kind.microwave], ["Made in", "Seoul, Korea"]]
    tags = [kind.name.split(" ")[0].lower(), "handmade", "stoneware", *spec["glazes"]]
    tags += (spec.get("tags") or "").split(",")
    return products.create_product(
        variants, title=spec["title"], summary=spec["summary"],
        description_md=_description(spec, kind), vendor=spec.get("vendor", VENDOR),
        product_type=kind.name, tags=tags, specs=specs,
        option1_name="Glaze", option2_name="Size" if spec.get("sizes") else "",
        category_id=category.id, featured=bool(spec.get("featured")),
        featured_position=spec.get("featured", 0))


def _translate(product, spec, main_language):
    """The product and its variants in Korean; search then finds them in both languages."""
    texts = ko.product_texts(spec, CATEGORIES[spec["cat"]].name, product.specs,
                             product.option2_name)
    localized.set_translation(product, ko.LANGUAGE, texts, main_language)
    for variant in product.variants:
        localized.set_translation(variant, ko.LANGUAGE, ko.variant_texts(variant), main_language)
    localized.refresh_search(product)


def _description(spec, kind):
    """What it is, how it's made, how to use it and care for it, in Markdown."""
    glazes = spec["glazes"]
    if len(glazes) == 1:
        glaze_line = f"Finished in {glazes[0]}, {GLAZES[glazes[0]][2]}."
    else:
        glaze_line = (f"Available in {', '.join(glazes[:-1])} and {glazes[-1]}. Every piece is "
                      "glazed by hand, so the colour varies a little from one to the next.")
    care = "\n".join(f"- {line}" for line in kind.care)
    return (f"{spec['intro']} {glaze_line}\n\n## How it's made\n\n{kind.making}\n\n"
            f"## Using it\n\n{kind.using}\n\n## Care\n\n{care}\n")
