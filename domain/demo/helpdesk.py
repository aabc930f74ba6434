"""The demo's help desk: two saved replies in English and Korean, and a few questions from the
demo customer, so the inbox has something to show on a first `make run`: one overdue, one
waiting for the customer's answer, one just asked."""
from datetime import timedelta

from .. import accounts, shopconfig
from ..helpdesk import conversations, saved_replies
from ..models import ConversationMessage, SavedReply
from ..extensions import db
from .catalogue import CUSTOMER_EMAIL, MERCHANT_EMAIL

WHERE_IS_MY_ORDER = (
    "Where is my order?",
    "Hi {first_name},\n\nThank you for your patience. Order {order_number} has left our studio; "
    "you can follow it here:\n{tracking_link}\n\nWarm regards,\n{shop_name}",
    "주문하신 상품은 어디쯤 있나요?",
    "{first_name}님, 안녕하세요.\n\n기다려 주셔서 감사합니다. 주문 {order_number} 상품이 작업실에서 "
    "출발했습니다. 배송 상황은 여기에서 확인하실 수 있습니다.\n{tracking_link}\n\n감사합니다.\n{shop_name} 드림",
)
HOW_TO_RETURN = (
    "How to return",
    "Hi {first_name},\n\nYou can ask for a return from your order's page within the return "
    "window. Everything about returns, refunds and exchanges is here:\n{returns_url}\n\n"
    "Warm regards,\n{shop_name}",
    "반품 방법",
    "{first_name}님, 안녕하세요.\n\n반품 기간 안에 주문 페이지에서 반품을 신청하실 수 있습니다. "
    "반품, 환불, 교환 안내는 여기에서 보실 수 있습니다.\n{returns_url}\n\n감사합니다.\n{shop_name} 드림",
)
QUESTIONS = (
    # (hours ago, topic, subject, body). The first is overdue whatever the shop's hours: five
    # days hold more than its reply target of opening hours in any week the shop opens at all.
    (120, "shipping", "Gift wrapping", "Hello! Could you wrap the celadon teapot as a gift? "
     "It is for my mother's birthday next week."),
    (26, "product", "Dishwasher?", "Are the white porcelain bowls dishwasher safe?\n\nThanks,\nMinji"),
    (0.25, "other", "", "Do you ever hold pottery classes at the studio?"),
)
ANSWER = "Yes, they are: our stoneware and porcelain go in the dishwasher. Enjoy them!"


def load_help_desk(now, main_language):
    """The saved replies and the demo customer's questions (only into an empty help desk)."""
    if db.session.scalar(db.select(SavedReply.id).limit(1)) is None:
        returns_url = saved_replies.public_url("policies.returns")
        for title, body, title_ko, body_ko in (WHERE_IS_MY_ORDER, HOW_TO_RETURN):
            body, body_ko = (text.replace("{returns_url}", returns_url) for text in (body, body_ko))
            saved_replies.create(title, body, {"ko": {"title": title_ko, "body": body_ko}},
                                 main_language)
    if db.session.scalar(db.select(conversations.Conversation.id).limit(1)) is not None:
        return
    schedule = shopconfig.load().schedule
    customer = accounts.find_by_email(CUSTOMER_EMAIL)
    merchant = accounts.find_by_email(MERCHANT_EMAIL)
    for hours_ago, topic, subject, body in QUESTIONS:
        asked = now - timedelta(hours=hours_ago)
        conversation, _message = conversations.start(
            email=CUSTOMER_EMAIL, body=body, now=asked, schedule=schedule,
            name=customer.name if customer else "Minji Park", topic=topic, subject=subject,
            user=customer, source_path="/help")
        if topic == "product":
            _answered(conversation, merchant, asked + timedelta(minutes=40))


def _answered(conversation, merchant, when):
    """The studio's answer, written as one sent long ago: what conversations.staff_reply leaves,
    without queueing an email to the demo's made-up customer."""
    conversation.messages.append(ConversationMessage(author="staff", staff=merchant, body=ANSWER,
                                                     created_at=when))
    conversation.last_message_at = conversation.first_response_at = when
    conversation.awaiting_since = conversation.reply_due_at = None
    conversation.status, conversation.unread_by_staff = "waiting", False
    conversation.assigned_to_id = merchant.id if merchant else None
    db.session.flush()


def help_desk_leftovers():
    """(saved replies, conversations) of the demo still in the shop: the saved replies whose
    title and text read as the demo wrote them, and the demo customer's conversations."""
    titles = {WHERE_IS_MY_ORDER[0], HOW_TO_RETURN[0]}
    replies = [reply for reply in db.session.scalars(
        db.select(SavedReply).where(SavedReply.title.in_(sorted(titles))))
        if _as_written(reply)]
    asked = db.session.scalars(db.select(conversations.Conversation).where(
        conversations.Conversation.email == CUSTOMER_EMAIL)).all()
    return replies, list(asked)


def _as_written(reply):
    for title, body, _title_ko, _body_ko in (WHERE_IS_MY_ORDER, HOW_TO_RETURN):
        head, _, tail = body.partition("{returns_url}")
        if reply.title == title and reply.body.startswith(head) and reply.body.endswith(tail):
            return True
    return False
