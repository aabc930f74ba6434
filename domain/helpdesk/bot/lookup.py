"""Order questions: which order, its email, and what the tracking page would show.

The same rules as /orders/track: a guest names an order by its number and the email it was
placed with (domain.tracking.lookup, where a wrong number and a wrong email look alike), and
each such lookup first asks the shared lookup limit. A signed-in customer's own orders need no
email; another order's number is asked its email like anyone's, so nothing tells whether it
exists.
"""
from flask_babel import gettext as _

from ... import orders, shopconfig, tracking
from ...faq import generated
from . import terms
from .answers import (Answer, day, generated_text, link, page_label, person_reply,
                      recent_orders, signed_in)


def ask_email(number, again=False):
    """Ask for the email of order `number`; `again` when the answer held none (a person is
    offered then, for a shopper who no longer knows it)."""
    if again:
        return Answer("ask_email", _(
            "That doesn't look like an email address. What email address did you use for "
            "order %(number)s?", number=number), quick_replies=(person_reply(),))
    return Answer("ask_email", _("What email address did you use for order %(number)s? I need "
                                 "it to find the order.", number=number))


def which_order(customer, with_times=False):
    """"Where is my order?": a signed-in customer picks one of their recent orders; a guest
    gives the number and email. `with_times` ("when will my order arrive?") adds the shipping
    methods' delivery days."""
    to_lookup = (link(page_label("orders.lookup"), "orders.lookup"),)
    numbers = recent_orders(customer)
    if numbers:
        found = Answer("ask_order", _("Which order do you mean?"), quick_replies=tuple(numbers))
    elif signed_in(customer):
        found = Answer("ask_order", _(
            "I can't find any orders on your account. If you ordered without signing in, "
            "tell me the order number and the email you used."), links=to_lookup)
    else:
        found = Answer("ask_order", _(
            "Tell me your order number (it looks like K7Q-4D2M and is in your order email) and "
            "the email you ordered with, and I'll look it up."), links=to_lookup)
    if not with_times:
        return found
    times = generated_text(generated.delivery_time(shopconfig.current()))
    return Answer(found.kind, found.text + "\n\n" + times, links=found.links,
                  quick_replies=found.quick_replies)


def _owned(order, customer):
    return (order is not None and order.user_id is not None and signed_in(customer)
            and order.user_id == customer.id)


def not_found():
    return Answer("order_status", _(
        "I couldn't find an order with that number and email. Please check both: they are in "
        "your order confirmation email."),
        links=(link(page_label("orders.lookup"), "orders.lookup"),),
        quick_replies=(person_reply(),))


def limited():
    return Answer("limited", _(
        "There have been too many order look-ups from here in a short time. Please try again "
        "in a few minutes, or talk to a person."), quick_replies=(person_reply(),))


def order_answer(number, email, asked, *, now, customer, context, lookup_allowed, wants_return):
    """The status of order `number`, or its return eligibility when `wants_return`: for its
    signed-in owner at once; otherwise with the order's email, through the tracking page's
    lookup after asking the lookup limit. A wrong email and a wrong number get one answer."""
    order = orders.by_number(number)
    if _owned(order, customer):
        owner = True
    elif not email:
        return ask_email(number)
    else:
        if not lookup_allowed():
            return limited()
        order = tracking.lookup(number, email)
        if order is None:
            return not_found()
        owner = _owned(order, customer)
    values = {"number": order.number}
    if not owner:
        values["t"] = orders.tracking_token(order)
    if wants_return:
        return terms.order_answer(order, asked, now, context, values)
    return status_answer(order, now, values)


def status_answer(order, now, values):
    """What the tracking page says first: the stage, the transfer awaited, the days it should
    arrive between, the parcel's tracking number."""
    config = shopconfig.current()
    view = tracking.tracking(order, config, now)
    parts = [_("Order %(number)s: %(status)s.", number=order.number,
               status=orders.status_label(order.status))]
    if view.awaiting_transfer:
        parts.append(_("We are waiting for your bank transfer; we pack the order once it "
                       "arrives."))
    if view.delivery is not None:
        first, last = day(view.delivery.earliest, config), day(view.delivery.latest, config)
        if first == last:
            parts.append(_("It should arrive on %(day)s.", day=last))
        else:
            parts.append(_("It should arrive between %(first)s and %(last)s.", first=first,
                           last=last))
    if order.tracking_number and order.status in ("shipped", "out_for_delivery"):
        parts.append(_("Carrier: %(carrier)s, tracking number %(number)s.",
                       carrier=order.carrier or "", number=order.tracking_number))
    return Answer("order_status", " ".join(parts),
                  links=(link(_("Track order %(number)s", number=order.number),
                              "orders.track_order", **values),))
