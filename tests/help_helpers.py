"""The help desk's shopper side in tests: a shop with business hours frozen on a Saturday, the
contact form sent as a browser sends it, and the rows it leaves."""
import io
import re
from datetime import datetime, timezone

from PIL import Image

from domain.extensions import db
from domain.models import (BusinessHours, Conversation, ConversationMessage, OutboxMessage,
                           User)
from tests.page_helpers import csrf_of

# Saturday 7 March 2026, noon in Seoul: the shop (Monday to Friday, 09:00 to 18:00) is closed
# and next opens on Monday 9 March at 09:00 Seoul time.
SATURDAY = datetime(2026, 3, 7, 3, 0, tzinfo=timezone.utc)
CLIENT_TOKEN_RE = re.compile(r'name="client_token"[^>]*value="([^"]+)"')
LINK_RE = re.compile(r"/help/messages/(C-[A-Z0-9]+)/([A-Za-z0-9_-]+)")


def help_shop(app, make, **settings):
    """A Seoul shop open Monday to Friday 09:00 to 18:00, the clock on SATURDAY."""
    values = dict(name="Moonjar Studio", currency="KRW", email="hello@moonjar.example",
                  timezone="Asia/Seoul", persona={"en": {"name": "Minji"},
                                                  "ko": {"name": "민지"}})
    values.update(settings)
    make.settings(**values)
    with app.app_context():
        db.session.add_all(BusinessHours(weekday=day, opens_minute=9 * 60, closes_minute=18 * 60)
                           for day in range(5))
        db.session.commit()
    app.config.update(SHOP_URL="https://shop.example", CLOCK=lambda: SATURDAY)
    return app


def jpeg(size=(64, 48), colour=(180, 40, 30)):
    """A real small JPEG carrying EXIF (a camera's owner), as a phone would send it."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Kim Minji"  # Artist
    Image.new("RGB", size, colour).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def form_of(client, query=None):
    """The contact form's CSRF and client tokens, as the page hands them out."""
    html = client.get("/help/contact", query_string=query or {}).get_data(as_text=True)
    return {"csrf_token": csrf_of(html), "client_token": CLIENT_TOKEN_RE.search(html).group(1)}


def ask(client, query=None, photos=(), tokens=None, environ_base=None, **fields):
    """Send the contact form as the page (opened with `query`) hands it out."""
    data = {**(tokens or form_of(client, query)), **(query or {}), "name": "Kim Minji",
            "email": "minji@example.com", "topic": "shipping",
            "body": "Where is my moon jar?", **fields}
    if photos:
        data["photos"] = [(io.BytesIO(content), name) for name, content in photos]
    return client.post("/help/contact", data=data, content_type="multipart/form-data",
                       environ_base=environ_base or {})


def conversations(app):
    with app.app_context():
        return [{"reference": c.reference, "secret": c.secret, "email": c.email,
                 "locale": c.locale, "topic": c.topic, "order_id": c.order_id,
                 "return_id": c.return_id, "product_id": c.product_id,
                 "source_path": c.source_path, "user_id": c.user_id, "status": c.status,
                 "previous_id": c.previous_id, "id": c.id,
                 "messages": [(m.author, m.body) for m in c.messages],
                 "photos": [(p.id, p.key) for m in c.messages for p in m.photos]}
                for c in db.session.scalars(db.select(Conversation).order_by(Conversation.id))]


def outbox(app):
    with app.app_context():
        return [(m.kind, m.to_address, m.locale, dict(m.data), m.id)
                for m in db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))]


def reply_as_staff(app, reference, body, when=SATURDAY, resolve=False):
    """The shop answers (domain.helpdesk.conversations.staff_reply, as the inbox does)."""
    from domain.helpdesk import conversations as desk
    with app.app_context():
        conversation = desk.by_reference(reference)
        staff = db.session.scalar(db.select(User).where(User.is_merchant.is_(True)))
        message = desk.staff_reply(conversation, staff, body, when, resolve=resolve)
        db.session.commit()
        return message.id


def count_messages(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(ConversationMessage))
