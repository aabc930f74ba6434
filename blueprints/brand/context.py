"""What storefront pages show of the brand and the cause: the Open Graph and Twitter card data
of a page (its address on SHOP_URL, so the copy the page cache keeps is right whichever host
name a visitor used), and the footer's social profiles."""
from flask import current_app
from flask_babel import get_locale

from domain import brand, storage
from domain.images import file_name
from domain.money import Money

from ..common import shop

OG_LOCALES = {"en": "en_US", "ko": "ko_KR"}
# Platforms show a large picture from this width on; a smaller one gets the small card.
LARGE_IMAGE_WIDTH = 600
DESCRIPTION_LIMIT = 300


def shop_address(path):
    """`path` (from url_for) on the shop's public address."""
    return current_app.config["SHOP_URL"] + path


def page_meta(*, title, description, path, kind="website", image=None, price=None,
              in_stock=None):
    """The page's social card: `image` is (key, width, height, alt) of a product photo, whose
    largest stored copy is named (up to 1024 px wide); `price` a Money for a product."""
    config = shop()
    locale = str(get_locale())
    meta = {"type": kind, "title": title, "site_name": config.name,
            "description": " ".join((description or "").split())[:DESCRIPTION_LIMIT],
            "url": shop_address(path), "locale": OG_LOCALES.get(locale, locale),
            "card": "summary"}
    if image and image[0]:
        key, width, height = image[:3]
        # Named by the page's title in its language (a photo's own alt is in one language).
        meta["image"] = {"url": storage.product_photos_address() + file_name(key, width),
                         "width": width, "height": height, "alt": title}
        if width >= LARGE_IMAGE_WIDTH:
            meta["card"] = "summary_large_image"
    if price is not None:
        meta["price"] = str(price.as_decimal())
        meta["currency"] = price.currency
        meta["availability"] = "in stock" if in_stock else "out of stock"
    return meta


def product_meta(product, variant, title, description, path):
    first = product.images[0] if product.images else None
    image = (first.key, first.width, first.height, first.alt) if first else None
    price = Money(variant.price, shop().currency) if variant is not None else None
    return page_meta(title=title, description=description, path=path, kind="product",
                     image=image, price=price,
                     in_stock=variant is not None and variant.stock > 0)


def card_image(cards):
    """The first of some product cards with a photo: (key, width, height, alt) or None."""
    for card in cards or ():
        if getattr(card, "cover_key", None):
            return card.cover_key, card.cover_width, card.cover_height, card.cover_alt
    return None


def social_links():
    return brand.social_links(shop())


def logo():
    """(key, width, height) of the shop's logo or None."""
    return shop().logo
