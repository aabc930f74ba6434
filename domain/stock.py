"""Stock: what shoppers are told about it, and the checks before units are promised.

Orders will change stock only here, with conditional updates inside the order's transaction.
"""
from flask_babel import gettext as _, ngettext

from .errors import OutOfStock


def stock_state(stock, low_threshold):
    """'sold_out', 'low' or 'in_stock'."""
    if stock <= 0:
        return "sold_out"
    if stock <= low_threshold:
        return "low"
    return "in_stock"


def stock_message(stock, low_threshold):
    """What the product page says: 'Sold out', 'Only 3 left' or 'In stock'."""
    state = stock_state(stock, low_threshold)
    if state == "sold_out":
        return _("Sold out")
    if state == "low":
        return ngettext("Only %(num)d left", "Only %(num)d left", stock)
    return _("In stock")


def ensure_available(name, stock, wanted, in_cart=0):
    """Raise OutOfStock naming the item and what is left when wanted > stock.

    in_cart: units already in the cart and counted in wanted, so the message can explain why
    adding a few more fails.
    """
    if wanted <= stock:
        return
    if stock <= 0:
        raise OutOfStock(_("Sorry, %(name)s is sold out.", name=name))
    if in_cart:
        raise OutOfStock(ngettext(
            "Sorry, only %(num)d of %(name)s is left and your cart already has %(in_cart)d.",
            "Sorry, only %(num)d of %(name)s are left and your cart already has %(in_cart)d.",
            stock, name=name, in_cart=in_cart))
    raise OutOfStock(ngettext(
        "Sorry, only %(num)d of %(name)s is left.",
        "Sorry, only %(num)d of %(name)s are left.", stock, name=name))


def reserve(variant, quantity, name):
    """Take `quantity` units of a variant inside the caller's transaction, or raise OutOfStock.
    Returns the units left, as this sale leaves them (see crossed_low).

    One conditional UPDATE: two buyers racing for the last unit cannot both get it, on SQLite
    (writers are serialised) or PostgreSQL (the row is locked and the condition re-checked).
    """
    from .extensions import db
    from .models import Product, Variant

    left = db.session.execute(
        db.update(Variant).where(Variant.id == variant.id, Variant.stock >= quantity)
        .values(stock=Variant.stock - quantity).returning(Variant.stock)
        .execution_options(synchronize_session=False)).scalar()
    if left is None:
        left = db.session.scalar(db.select(Variant.stock).where(Variant.id == variant.id)) or 0
        ensure_available(name, left, quantity)
        raise OutOfStock(_("Sorry, %(name)s is sold out.", name=name))
    db.session.execute(
        db.update(Product).where(Product.id == variant.product_id)
        .values(stock_total=Product.stock_total - quantity,
                sales_count=Product.sales_count + quantity)
        .execution_options(synchronize_session=False))
    return left


def crossed_low(left, taken, threshold):
    """Whether taking `taken` units brought a variant from above the low-stock threshold to
    it or below (`left` after). Sales that start at or below it cross nothing; a sale that
    crosses holds the variant's row, so no other sale can see the same crossing."""
    return left <= threshold < left + taken


def release(variant_id, product_id, quantity):
    """Give units back (a cancelled or expired order); variants deleted since are skipped."""
    from .extensions import db
    from .models import Product, Variant

    if variant_id is None:
        return
    returned = db.session.execute(
        db.update(Variant).where(Variant.id == variant_id)
        .values(stock=Variant.stock + quantity).execution_options(synchronize_session=False))
    if returned.rowcount and product_id is not None:
        db.session.execute(
            db.update(Product).where(Product.id == product_id)
            .values(stock_total=Product.stock_total + quantity,
                    sales_count=db.func.max(Product.sales_count - quantity, 0)
                    if db.session.get_bind().dialect.name == "sqlite"
                    else db.func.greatest(Product.sales_count - quantity, 0))
            .execution_options(synchronize_session=False))


def set_counts(product_id, counts):
    """Set the stock of a product's variants to counts ({variant id: units}), as a count taken
    in the stockroom (an inventory import) does, and the product's total with them."""
    from .extensions import db
    from .models import Product, Variant

    for variant_id, count in counts.items():
        db.session.execute(
            db.update(Variant).where(Variant.id == variant_id, Variant.product_id == product_id)
            .values(stock=count).execution_options(synchronize_session="fetch"))
    total = db.select(db.func.coalesce(db.func.sum(Variant.stock), 0)) \
        .where(Variant.product_id == product_id).scalar_subquery()
    db.session.execute(db.update(Product).where(Product.id == product_id)
                       .values(stock_total=total).execution_options(synchronize_session="fetch"))
