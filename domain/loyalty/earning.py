"""Earning points on paid order lines, pending until each line's return window closes, then
vested; reversed for returned lines. Seams for the points slice."""


def order_paid(order, now):
    """Seam (points): earn the order's points, pending."""


def order_delivered(order, now):
    """Seam (points): the pending points learn when they vest."""


def order_released(order, now):
    """Seam (points): the order's pending points are cancelled."""


def lines_returned(order, returned, now, return_id=None):
    """Seam (points): reverse the returned lines' points."""


def order_claimed(user, order, now):
    """Seam (points): a claimed guest order earns its points for `user`."""
