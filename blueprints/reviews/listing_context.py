"""What the product page shows of its reviews, for the product page (blueprints/products) and
the reviews fragment alike: the summary from the product row, the first page of reviews, and
the schema.org data that search engines read from the page."""
from urllib.parse import urljoin

from flask import url_for
from flask_babel import gettext as _

from domain import localized
from domain.money import Money
from domain.reviews import listing

from ..templating import image_fallback, iso_utc


def reviews_context(product, sort="newest", page=1):
    """The summary, the page of reviews and the sort, as _reviews.html draws them."""
    sort = listing.clean_sort(sort)
    return {"review_summary": listing.summary(product),
            "reviews": listing.page(product, sort, page), "review_sort": sort,
            "review_sorts": listing.SORTS}


def structured_data(product, variant, summary, reviews, currency):
    """schema.org Product with its AggregateRating and the shown Reviews (JSON-LD), built as
    data: the template writes it with |tojson, which escapes what could end the <script>."""
    data = {"@context": "https://schema.org", "@type": "Product",
            "name": localized.text(product, "title"),
            "url": url_for("products.product", slug=product.slug, _external=True)}
    summary_text = localized.text(product, "summary")
    if summary_text:
        data["description"] = summary_text
    if product.images:
        first = product.images[0]
        data["image"] = urljoin(data["url"], image_fallback(first.key, first.width))
    if variant is not None:
        data["sku"] = variant.sku
        data["offers"] = {
            "@type": "Offer", "priceCurrency": currency,
            "price": str(Money(variant.price, currency).as_decimal()),
            "availability": "https://schema.org/" + ("InStock" if variant.stock > 0
                                                     else "OutOfStock")}
    if summary.count:
        data["aggregateRating"] = {"@type": "AggregateRating", "ratingValue": summary.average,
                                   "reviewCount": summary.count, "bestRating": 5,
                                   "worstRating": 1}
        data["review"] = [_review(review) for review in reviews.items]
    return data


def _review(review):
    item = {"@type": "Review",
            "reviewRating": {"@type": "Rating", "ratingValue": review.rating, "bestRating": 5,
                             "worstRating": 1},
            "author": {"@type": "Person", "name": review.author_name or _("Verified buyer")},
            "datePublished": iso_utc(review.published_at or review.created_at)[:10]}
    if review.title:
        item["name"] = review.title
    if review.body:
        item["reviewBody"] = review.body
    return item
