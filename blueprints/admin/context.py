"""What several back-office pages show: the link to an order's customer, and the customer
page's conversations (the help desk fills conversations_for; until then there are none)."""
from flask import current_app, url_for

from domain import customers


def customer_key(ref):
    return customers.key_of(ref, current_app.config["SECRET_KEY"])


def customer_url(order):
    """The back-office page of the order's customer; None for an order whose buyer was erased."""
    if order.erasure_ref or not order.email:
        return None
    return url_for("admin.customer", key=customer_key(customers.ref_of_order(order)))


def conversations_for(customer):
    """The customer's conversations with the shop, newest first, for the customer page's
    Conversations section (templates/admin/customers/_conversations.html)."""
    return []
