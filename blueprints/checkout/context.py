"""What other pages need of checkout: the link to a placed order's page, and the undo window's
change-address form that the order's page shows."""
from flask import url_for

from ..orders.access import tracking_url_args
from .forms import AddressChangeForm


def tracking_url(order, **extra):
    return url_for("orders.track_order", **tracking_url_args(order), **extra)


def current_address(order):
    return {name: getattr(order, f"ship_{name}") for name in AddressChangeForm.ADDRESS_NAMES}


def undo_address_form(order):
    """The change-address form for the order's page, filled with where it goes now."""
    return AddressChangeForm(formdata=None, data=current_address(order))
