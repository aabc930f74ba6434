"""What several back-office pages show: the link to an order's or a conversation's customer,
and the customer page's conversations."""
from flask import current_app, url_for

from domain import customers
from domain.helpdesk import conversations as help_conversations
from domain.helpdesk.inbox import preview


def customer_key(ref):
    return customers.key_of(ref, current_app.config["SECRET_KEY"])


def customer_url(order):
    """The back-office page of the order's customer; None for an order whose buyer was erased."""
    if order.erasure_ref or not order.email:
        return None
    return url_for("admin.customer", key=customer_key(customers.ref_of_order(order)))


def conversation_customer_url(conversation):
    """The back-office page of the person who asked; None for a guest's chat without an email
    address yet (nothing to know them by)."""
    if conversation.user_id is None and not conversation.email:
        return None
    return url_for("admin.customer",
                   key=customer_key(customers.ref_of_conversation(conversation)))


def conversations_for(customer):
    """The customer's conversations with the shop, newest first, for the customer page's
    Conversations section (templates/admin/customers/_conversations.html)."""
    return [{"subject": preview(conversation.subject, conversation.messages[0].body
                                if conversation.messages else ""),
             "url": url_for("admin.conversation", reference=conversation.reference),
             "reference": conversation.reference,
             "status": help_conversations.STATUS_LABELS[conversation.status],
             "updated_at": conversation.last_message_at}
            for conversation in customers.conversations_of(customer.ref)]
