"""What a product page shows, for the product page itself and for the views that draw its buy
box again (adding to the cart, a one-click purchase that needs confirming)."""
from flask import abort
from flask_login import current_user

from domain import catalog, localized, oneclick, policies, pricing, returns
from domain.errors import NotFound
from domain.money import Money

from ..common import shop
from ..reviews.listing_context import reviews_context, structured_data
from . import goes_well


def single_line(variant, currency):
    product = variant.product
    return pricing.Line(variant_id=variant.id, product_id=product.id, title=localized.text(product, "title"),
                        variant_title=localized.text(variant, "title"), sku=variant.sku,
                        unit_price=Money(variant.price, currency), quantity=1, slug=product.slug,
                        stock=variant.stock)


def product_context(slug, variant_id=None):
    """Everything the product page shows for the chosen variant; 404 for an unknown product."""
    try:
        product = catalog.product_page(slug)
    except NotFound:
        abort(404)
    variant = catalog.pick_variant(product, variant_id)
    config = shop()
    early_notice = _early_notice(product, config)
    lines = [single_line(variant, config.currency)] if variant else []
    rule = policies.storefront_rule(product.id, product.category_id)
    # Its reviews' summary is on the product row; the first page is one query (none without).
    reviews = reviews_context(product)
    return {**reviews,
            "product_schema": structured_data(product, variant, reviews["review_summary"],
                                              reviews["reviews"], config.currency),
            "product": product, "variant": variant, "breakdown": pricing.breakdown(config, lines),
            "early_notice": early_notice,
            "one_click": oneclick.offer(current_user, lines, config)
            if variant and not early_notice else None,
            # What the one-click button needs again when the page comes from the page cache.
            "personal_state": lines,
            # "Goes well with", read only if the block is drawn in place (not a hole).
            **goes_well.page_context(product.id),
            # No terms before the merchant confirmed them: the page links to the policy only.
            "return_summary": returns.summary(rule, config.currency)
            if config.return_rules_confirmed else None}


def _early_notice(product, config):
    """"Early access for Gold members until 3 March" while the product is in early access and
    the visitor's tier has none, else None. Such a page differs per customer and ends at a
    moment, so it is not kept in the page cache."""
    from flask import g
    from flask_babel import get_locale

    from domain.loyalty import tiers

    from ..templating import now
    if product.early_access_until is None or now() >= product.early_access_until:
        return None
    g.page_not_kept = True
    user = current_user if current_user.is_authenticated else None
    allowed = tiers.early_access_for(product, user, now())
    if allowed is None:
        return None
    return tiers.early_access_message(product, allowed, str(get_locale()), config.zone)
