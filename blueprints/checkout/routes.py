"""Checkout: the guest page, one-click buying, and the customer's undo window."""
from . import bp  # noqa: F401
