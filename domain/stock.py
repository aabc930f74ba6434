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
