"""Chats for the back office's tests: a shopper's chat with the bot, handed over to a person or
not, with the page, the cart and the checkout error the panel attaches, started through
domain.helpdesk as the chat panel does."""
from domain import shopconfig
from domain.extensions import db
from domain.helpdesk import conversations
from domain.models import Conversation, ConversationMessage
from tests.order_helpers import NOW

CONTEXT = {
    "page": {"kind": "checkout", "path": "/checkout", "label": "Checkout"},
    "cart": {"lines": [{"name": "Moon jar", "variant": "Large", "quantity": 2, "amount": "₩78,000"},
                       {"name": "Tea cup", "variant": "", "quantity": 1, "amount": "₩12,000"}],
             "total": "₩93,000", "currency": "KRW"},
    "checkout_error": {"code": "card_declined", "message": "Your card was declined."},
}


def chat(app, body="Can I pay by card?", email="minji@example.com", now=NOW, handed_over=True,
         context=None, bot="I am not sure. Shall I find a person?", seen=None, locale="en",
         handed_over_at=None):
    """A chat: the shopper's question, the bot's answer and, if `handed_over`, the shopper's
    "Talk to a person" and the hand-over at `now` (or `handed_over_at`). Returns its reference."""
    with app.test_request_context():
        conversation, _message = conversations.start(
            email=email or "nobody@example.com", body=body, now=now,
            schedule=shopconfig.current().schedule, name="", topic="other", locale=locale,
            channel="chat")
        conversation.email = email
        conversation.context = CONTEXT if context is None else context
        message = conversations.bot_reply(conversation, bot, now)
        message.meta = {"kind": "unsure", "links": [], "quick_replies": ["Talk to a person"]}
        if handed_over:
            db.session.add(ConversationMessage(conversation=conversation, author="customer",
                                               body="Talk to a person", via="chat", created_at=now))
            conversation.handed_over_at = handed_over_at or now
        conversation.customer_seen_at = seen
        db.session.commit()
        return conversation.reference


def hand_over(app, reference, now):
    with app.app_context():
        db.session.execute(db.update(Conversation).where(Conversation.reference == reference)
                           .values(handed_over_at=now, unread_by_staff=True))
        db.session.commit()
