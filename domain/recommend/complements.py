"""The merchant's own "Goes well with" picks for a product, in their order."""
import re

from sqlalchemy import select

from ..errors import ShopError
from ..extensions import db
from ..models import Product, ProductComplement

MAX_COMPLEMENTS = 8
_SPLIT = re.compile(r"[\s,]+")


def of(product_id):
    """The products picked to go with this one, in the merchant's order."""
    return db.session.scalars(
        select(Product).join(ProductComplement, ProductComplement.complement_id == Product.id)
        .where(ProductComplement.product_id == product_id)
        .order_by(ProductComplement.position, Product.id)).all()


def as_text(product_id):
    """The picks as the product form shows them: their web addresses' last parts."""
    return ", ".join(p.slug for p in of(product_id))


def resolve(text, product_id=None):
    """The products named in `text` (their addresses' last parts, separated by commas or
    spaces), in that order, or a ShopError naming what is wrong. Writes nothing."""
    from flask_babel import gettext as _
    slugs = []
    for word in _SPLIT.split((text or "").strip().lower()):
        word = word.rstrip("/").rsplit("/", 1)[-1]
        if word and word not in slugs:
            slugs.append(word)
    if len(slugs) > MAX_COMPLEMENTS:
        raise ShopError(_("Pick at most %(n)d products that go well with it.", n=MAX_COMPLEMENTS))
    if not slugs:
        return []
    found = {p.slug: p for p in db.session.scalars(select(Product).where(Product.slug.in_(slugs)))}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise ShopError(_("No product has the address %(slugs)s.", slugs=", ".join(missing)))
    picked = [found[s] for s in slugs]
    if product_id is not None and any(p.id == product_id for p in picked):
        raise ShopError(_("A product cannot go well with itself."))
    return picked


def replace(product, picked):
    """Store `picked` (from resolve) as the product's complements, in order."""
    db.session.execute(db.delete(ProductComplement)
                       .where(ProductComplement.product_id == product.id))
    for position, other in enumerate(picked):
        db.session.add(ProductComplement(product_id=product.id, complement_id=other.id,
                                         position=position))
    # The product page shows them: its row changing renews the cached pages.
    product.updated_at = db.func.now()
    db.session.flush()
