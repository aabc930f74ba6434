"""Who may see what from the help pages.

A conversation: its signed-in owner (/account/messages/<reference>) or whoever holds its signed
link (/help/messages/<reference>/<secret>); anybody else gets the same 404 as for a
conversation that does not exist, so references cannot be probed.

An order or a return the contact form was opened from is linked to the question only if the
visitor may see it on its own page: the signed-in owner, or the holder of the order's signed
tracking link (?t=..., as blueprints/orders/access.py decides). Otherwise the number is
ignored, and nothing tells whether it exists.
"""
from flask import abort, url_for
from flask_login import current_user

from domain import orders, returns
from domain.errors import NotFound
from domain.helpdesk import conversations


def own_conversation(reference):
    """The signed-in customer's conversation named `reference`, else 404."""
    conversation = conversations.by_reference(reference)
    if conversation is None or not conversations.belongs_to(conversation, current_user):
        abort(404)
    return conversation


def linked_conversation(reference, key):
    """The conversation a signed link opens, else 404 (a wrong key as a missing one)."""
    conversation = conversations.by_key(reference, key)
    if conversation is None:
        abort(404)
    return conversation


def page_url(conversation, key=None, **args):
    """The conversation's page for this visitor: by the signed link when they came by it (or
    the conversation has no account), else in their account."""
    if key is not None or conversation.user_id is None \
            or not conversations.belongs_to(conversation, current_user):
        return url_for("help.guest_conversation", reference=conversation.reference,
                       key=conversation.secret, **args)
    return url_for("help.conversation", reference=conversation.reference, **args)


def visible_order(number, token):
    """The order numbered `number` if this visitor may see it, else None."""
    order = orders.by_number(number) if number else None
    if order is None:
        return None
    if current_user.is_authenticated and order.user_id == current_user.id:
        return order
    if token:
        try:
            return orders.order_for_token(number, token)
        except NotFound:
            return None
    return None


def visible_return(number, token):
    """The return numbered `number` if this visitor may see its order, else None."""
    ret = returns.by_number(number) if number else None
    if ret is None or visible_order(ret.order.number, token) is None:
        return None
    return ret
