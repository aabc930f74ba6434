"""The chat panel in tests: open it as htmx does, press a quick reply or send a message with
the tokens the panel handed out, and read back what was stored."""
import re

from domain.extensions import db
from domain.models import Conversation
from tests.page_helpers import csrf_of

CLIENT_TOKEN_RE = re.compile(r'name="client_token" value="([^"]+)"')
AFTER_RE = re.compile(r'id="chat-after" name="after" value="(\d+)"')
HX = {"HX-Request": "true"}
# Markup that must come out as text wherever a shopper's words are shown.
XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
       "<svg/onload=alert(1)>", "javascript:alert(1)", "</li></ol><b>bold</b>"]


def open_panel(client, query=None, htmx=True):
    """The panel (or without htmx the chat page) as opened from the Help button."""
    return client.get("/chat", query_string=query or {}, headers=HX if htmx else {})


def tokens_of(html):
    """The CSRF token, the message form's client token and the last message id the panel shows."""
    after = AFTER_RE.search(html)
    return {"csrf_token": csrf_of(html), "client_token": CLIENT_TOKEN_RE.search(html).group(1),
            "after": after.group(1) if after else "0"}


def send(client, html, htmx=True, **fields):
    """Post the panel's form (taken from `html`) with `fields` (body=..., quick=...)."""
    data = {**tokens_of(html), **fields}
    return client.post("/chat/messages", data=data, headers=HX if htmx else {})


def chats(app):
    """Every chat with its messages, oldest first."""
    with app.app_context():
        return [{"id": c.id, "reference": c.reference, "secret": c.secret, "email": c.email,
                 "user_id": c.user_id, "context": c.context, "status": c.status,
                 "handed_over_at": c.handed_over_at, "away_sent_at": c.away_sent_at,
                 "unread_by_staff": c.unread_by_staff, "reply_due_at": c.reply_due_at,
                 "messages": [(m.id, m.author, m.body, m.meta) for m in c.messages]}
                for c in db.session.scalars(db.select(Conversation)
                                            .where(Conversation.channel == "chat")
                                            .order_by(Conversation.id))]
