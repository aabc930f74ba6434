"""Codes that arrive at the right moment: the thank-you code of an order confirmation, the
birthday code, the review thank-you code. Seams for the codes slice."""


def thank_you(order, now):
    """Seam (codes): issue the order's thank-you code when the setting is on."""
