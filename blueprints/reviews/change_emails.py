"""The "You said, we did" email (domain/reviews/changes.py): what blueprints/mail.py renders
it with. It is marketing: the Korean subject starts with (광고) and mail.py adds the unsubscribe
link and headers."""
from flask import url_for
from flask_babel import gettext as _

from domain import localized
from domain.extensions import db
from domain.models import ChangeNote
from domain.reviews.changes import KIND

KINDS = (KIND,)


def context(message):
    """The subject and context of a change note's email; call in the message's locale."""
    note = db.session.get(ChangeNote, (message.data or {}).get("change_note_id") or 0)
    if note is None or note.product is None:
        raise ValueError(f"message {message.id} ({message.kind}) has no change note")
    lang = message.locale or "en"
    title = localized.text(note.product, "title", lang)
    return {"note_text": localized.text(note, "text", lang), "product_title": title,
            "changed_on": note.changed_on,
            "product_url": url_for("products.product", slug=note.product.slug, _external=True),
            "changes_url": url_for("reviews.changes", _external=True),
            # Advertising under Korean law: the Korean subject starts with "(광고)".
            "subject": _("(Ad) You said, we did: %(product)s", product=title)}
