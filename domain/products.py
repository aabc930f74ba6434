"""Changing the catalogue: products, variants, categories. Used by the back office, the CSV
import and the demo loader alike, so the same checks hold however a product arrives."""
import re
import unicodedata

from flask_babel import gettext as _

from .catalog import Page, clamp_page
from .errors import ShopError
from .extensions import db
from .localized import refresh_search, set_translation
from .models import PRODUCT_STATUSES, Category, Product, Variant
from .shopconfig import get_settings_row
from .text import plain_text, render_markdown

PRODUCT_FIELDS = (
    "title", "summary", "vendor", "product_type", "tags", "option1_name", "option2_name",
    "category_id", "status", "featured", "featured_position", "specs", "early_access_until",
)
VARIANT_FIELDS = ("sku", "option1", "option2", "price", "compare_at_price", "stock", "position")
MAX_STOCK = 1_000_000
MAX_PRICE = 10**12


def slugify(text, fallback="product"):
    """URL-safe slug; keeps letters of any script (a Korean title gives a Korean slug)."""
    text = unicodedata.normalize("NFKC", text or "").strip().lower()
    text = re.sub(r"[^\w\s-]", "", text, flags=re.UNICODE)
    text = re.sub(r"[\s_-]+", "-", text).strip("-")
    return text[:150] or fallback


def unique_slug(model, base, exclude_id=None):
    """base, or base-2, base-3 ... whichever is free in model's slug column."""
    taken = set(db.session.scalars(
        db.select(model.slug).where(model.slug.like(f"{base}%"),
                                    *( [model.id != exclude_id] if exclude_id else []))).all())
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def normalize_tags(tags):
    """'Mug, gift ,mug' -> 'mug, gift': lower-case, unique, comma separated."""
    if isinstance(tags, (list, tuple)):
        items = tags
    else:
        items = (tags or "").split(",")
    seen = []
    for tag in items:
        tag = re.sub(r"\s+", " ", tag).strip().lower()
        if tag and tag not in seen:
            seen.append(tag[:40])
    return ", ".join(seen)


def set_description(product, markdown_source):
    product.description_md = markdown_source or ""
    product.description_html = render_markdown(product.description_md)
    product.description_text = plain_text(product.description_md)


def _check_variant(data):
    sku = (data.get("sku") or "").strip()
    if not sku:
        raise ShopError(_("Every variant needs a SKU."))
    if len(sku) > 64:
        raise ShopError(_("SKU %(sku)s is longer than 64 characters.", sku=sku[:20]))
    price = data.get("price")
    if not isinstance(price, int) or price < 0 or price > MAX_PRICE:
        raise ShopError(_("Variant %(sku)s needs a price of zero or more.", sku=sku))
    compare = data.get("compare_at_price")
    if compare is not None and (not isinstance(compare, int) or compare < 0):
        raise ShopError(_("Variant %(sku)s has an invalid compare-at price.", sku=sku))
    stock = data.get("stock", 0)
    if not isinstance(stock, int) or stock < 0 or stock > MAX_STOCK:
        raise ShopError(_("Variant %(sku)s needs a stock of zero or more.", sku=sku))
    return sku


def sku_warnings(product):
    """What to point out about the product's SKUs, not refuse: a SKU is the merchant's label,
    and stores reuse one across sizes or products. [message], in the merchant's words."""
    mine = [v.sku for v in product.variants]
    warnings = [_("SKU %(sku)s is on %(num)d variants of this product.", sku=sku,
                  num=mine.count(sku)) for sku in dict.fromkeys(mine) if mine.count(sku) > 1]
    others = {}
    for sku, title in db.session.execute(
            db.select(Variant.sku, Product.title).join(Product)
            .where(Variant.sku.in_(set(mine)), Product.id != product.id)
            .order_by(Product.title)).all():
        others.setdefault(sku, [])
        if title not in others[sku]:
            others[sku].append(title)
    for sku, titles in others.items():
        shown = ", ".join(f"“{t}”" for t in titles[:3]) + (", …" if len(titles) > 3 else "")
        warnings.append(_("SKU %(sku)s is also used by %(titles)s.", sku=sku, titles=shown))
    return warnings


def set_variants(product, variants):
    """Replace the product's variants with `variants` (dicts); entries with an id update that
    variant, others are added, and variants not listed are removed."""
    if not variants:
        raise ShopError(_("A product needs at least one variant with a SKU and a price."))
    for data in variants:
        _check_variant(data)
    existing = {v.id: v for v in product.variants}
    keep = []
    for position, data in enumerate(variants):
        variant = existing.get(data.get("id")) if data.get("id") else None
        if variant is None:
            variant = Variant(product=product)
        for name in VARIANT_FIELDS:
            if name in data:
                setattr(variant, name, data[name].strip() if isinstance(data[name], str) else data[name])
        variant.position = data.get("position", position)
        _translate(variant, data.get("translations"))
        keep.append(variant)
    product.variants = keep
    refresh_summary(product)


def refresh_summary(product):
    """Recompute the listing columns from variants and images."""
    variants = product.variants
    prices = [v.price for v in variants] or [0]
    compares = [v.compare_at_price for v in variants
                if v.compare_at_price and v.compare_at_price > v.price]
    product.price_min = min(prices)
    product.price_max = max(prices)
    product.compare_at_min = min(compares) if compares else None
    product.stock_total = sum(v.stock for v in variants)
    cover = product.images[0] if product.images else None
    product.cover_key = cover.key if cover else None
    product.cover_alt = (cover.alt or product.title) if cover else ""
    product.cover_width = cover.width if cover else None
    product.cover_height = cover.height if cover else None
    refresh_search(product)


def _translate(obj, translations):
    """Store {lang: {field: text}} for the shop's other languages (see domain.localized)."""
    if not translations:
        return
    main = get_settings_row().main_language
    for lang, values in translations.items():
        if lang != main:
            set_translation(obj, lang, values, main)


def early_access_end(last_day):
    """Early access through `last_day` (a date, shop time; None: none) ends at the midnight
    after it, as a UTC instant (an aware datetime is kept as it is)."""
    from datetime import date, datetime, time, timedelta, timezone

    from .shopconfig import zone
    if last_day is None or last_day == "":
        return None
    if isinstance(last_day, datetime):
        return last_day
    if not isinstance(last_day, date):
        raise ShopError(_("Enter the last day of early access as a date."))
    shop_zone = zone(get_settings_row().timezone)
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=shop_zone) \
        .astimezone(timezone.utc)


def early_access_last_day(until):
    """The last day of early access in the shop's time zone (the form's value), or None."""
    from datetime import timedelta

    from .shopconfig import zone
    if until is None:
        return None
    return (until - timedelta(microseconds=1)).astimezone(zone(get_settings_row().timezone)).date()


def _apply_fields(product, fields):
    for name in PRODUCT_FIELDS:
        if name in fields:
            value = fields[name]
            if name == "tags":
                value = normalize_tags(value)
            elif name == "early_access_until":
                value = early_access_end(value)
            elif isinstance(value, str):
                value = value.strip()
            setattr(product, name, value)
    if not (product.title or "").strip():
        raise ShopError(_("A product needs a title."))
    if product.status not in PRODUCT_STATUSES:
        raise ShopError(_("Unknown product status."))
    if "description_md" in fields:
        set_description(product, fields["description_md"])
    _translate(product, fields.get("translations"))


def create_product(variants, slug=None, **fields):
    """A new product with its variants. Raises ShopError (nothing written) on bad data."""
    product = Product(status="active", specs=[], featured=False, featured_position=0,
                      tags="", summary="", vendor="", product_type="", option1_name="",
                      option2_name="", description_md="", description_html="",
                      description_text="")
    _apply_fields(product, fields)
    base = slugify(slug or product.title)
    db.session.add(product)
    with db.session.no_autoflush:
        product.slug = unique_slug(Product, base)
        set_variants(product, variants)
    db.session.flush()
    return product


def update_product(product, variants=None, **fields):
    _apply_fields(product, fields)
    with db.session.no_autoflush:
        if variants is not None:
            set_variants(product, variants)
        refresh_search(product)
    db.session.flush()
    return product


def publish_product(product):
    """Put a draft (or an archived product) on sale in the shop."""
    product.status = "active"
    db.session.flush()
    return product


def archive_product(product):
    """Hide a product from the shop; orders keep their copies of it."""
    product.status = "archived"
    product.featured = False


def create_category(name, description="", slug=None, position=0, translations=None):
    name = (name or "").strip()
    if not name:
        raise ShopError(_("A category needs a name."))
    category = Category(name=name[:120], description=description or "", position=position,
                        slug=unique_slug(Category, slugify(slug or name, "category")))
    _translate(category, translations)
    db.session.add(category)
    db.session.flush()
    return category


def category_by_name(name):
    """The category of that name, created if new (for imports)."""
    name = (name or "").strip()
    if not name:
        return None
    found = db.session.scalar(db.select(Category).where(func_lower(Category.name) == name.lower()))
    return found or create_category(name)


def func_lower(column):
    return db.func.lower(column)


def parse_specs(text):
    """'Material: stoneware' per line -> [['Material', 'stoneware'], ...]; blank lines skipped."""
    specs = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or not value.strip():
            raise ShopError(_("Line %(num)d of the specifications needs a name, a colon and a "
                              "value, like “Material: stoneware”.", num=number))
        specs.append([name.strip()[:80], value.strip()[:300]])
    if len(specs) > 50:
        raise ShopError(_("Please list at most 50 specifications."))
    return specs


def specs_text(specs):
    """The textarea form of parse_specs' result."""
    return "\n".join(f"{name}: {value}" for name, value in (specs or []))


def admin_listing(q="", status="", page=1, per_page=30):
    """Products of every status for the back office, matching q in the title or a SKU."""
    conditions = []
    if status in PRODUCT_STATUSES:
        conditions.append(Product.status == status)
    q = (q or "").strip()[:100]
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        skus = db.select(Variant.product_id).where(Variant.sku.ilike(pattern, escape="\\"))
        conditions.append(db.or_(Product.title.ilike(pattern, escape="\\"), Product.id.in_(skus)))
    total = db.session.scalar(db.select(db.func.count(Product.id)).where(*conditions)) or 0
    page = clamp_page(page)
    items = db.session.scalars(
        db.select(Product).where(*conditions).order_by(Product.updated_at.desc(), Product.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, page=page, per_page=per_page, total=total)


def inventory_overview(low_stock_threshold, limit=50):
    """({status: product count}, variants of unarchived products at or below the threshold)."""
    counts = dict.fromkeys(PRODUCT_STATUSES, 0)
    counts.update(db.session.execute(
        db.select(Product.status, db.func.count(Product.id)).group_by(Product.status)).all())
    low = db.session.scalars(
        db.select(Variant).join(Product)
        .where(Variant.stock <= low_stock_threshold, Product.status != "archived")
        .order_by(Variant.stock, Product.title, Variant.position)
        .options(db.contains_eager(Variant.product)).limit(limit)).all()
    return counts, low


def all_categories():
    return db.session.scalars(db.select(Category).order_by(Category.position, Category.name)).all()


def update_category(category, name, position=None, description=None, translations=None):
    """Rename or move a category; its slug (and so its address) stays the same."""
    name = (name or "").strip()
    if not name:
        raise ShopError(_("A category needs a name."))
    category.name = name[:120]
    if position is not None:
        if not isinstance(position, int) or not 0 <= position <= 10_000:
            raise ShopError(_("Enter a position from 0 to 10000."))
        category.position = position
    if description is not None:
        category.description = description.strip()
    _translate(category, translations)
    db.session.flush()
    return category
