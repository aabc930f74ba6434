"""Replies the merchant keeps for common questions, in every shop language, and how one is
filled in for a conversation.

A reply's text names placeholders in braces: {first_name}, {order_number}, {tracking_link} and
{shop_name}. fill() replaces them from the conversation: the customer's name, the order it is
about and that order's tracking page (the signed link the order emails carry, on the shop's
public address SHOP_URL). A placeholder the shop does not know is left as written, for the
merchant to see; one whose value is missing (no order) is left out, its sentence tidied, and
named in the result so the merchant is told.
"""
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import localized, orders, shopconfig
from ..errors import InvalidMessage
from ..extensions import db
from ..models import SavedReply
from .conversations import BODY_MAX

PLACEHOLDERS = {
    "first_name": _l("the customer's first name"),
    "order_number": _l("the order's number"),
    "tracking_link": _l("the link to the order's tracking page"),
    "shop_name": _l("the shop's name"),
}
TITLE_MAX = 120
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Filled:
    text: str
    # Placeholders left out because the conversation has no value for them.
    missing: tuple = ()
    # Placeholders the shop does not know, left in the text as written.
    unknown: tuple = ()
    # The reply has no text in the conversation's language: the main language's was used.
    fallback: bool = False


def all_replies():
    return db.session.scalars(db.select(SavedReply)
                              .order_by(SavedReply.position, SavedReply.id)).all()


def get(reply_id):
    return db.session.get(SavedReply, reply_id) if reply_id else None


def unknown_placeholders(text):
    """The {names} in `text` that are not placeholders the shop fills, in order."""
    return tuple(dict.fromkeys(name for name in PLACEHOLDER.findall(text or "")
                               if name not in PLACEHOLDERS))


def _clean(title, body, language_name=""):
    title, body = (title or "").strip(), (body or "").replace("\r\n", "\n").strip()
    suffix = f" ({language_name})" if language_name else ""
    problems = {}
    if len(title) > TITLE_MAX:
        problems["title"] = _l("Keep the title under %(num)d characters.", num=TITLE_MAX)
    if len(body) > BODY_MAX:
        problems["body"] = _l("Keep it under %(count)s characters.", count=f"{BODY_MAX:,}")
    if problems:
        first = next(iter(problems.values()))
        raise InvalidMessage(f"{first}{suffix}", problems)
    return title, body


def _write(reply, title, body, translations, main_language):
    title, body = _clean(title, body)
    if not title or not body:
        missing = {name: _l("Fill this in.") for name, value in (("title", title), ("body", body))
                   if not value}
        raise InvalidMessage(_l("A saved reply needs a title and a text."), missing)
    for lang, texts in (translations or {}).items():
        _clean(texts.get("title"), texts.get("body"), shopconfig.LANGUAGE_NAMES.get(lang, lang))
    reply.title, reply.body = title, body
    for lang, texts in (translations or {}).items():
        localized.set_translation(reply, lang, texts, main_language)


def create(title, body, translations, main_language):
    """A new saved reply, last in the list."""
    reply = SavedReply(title="", body="", translations={})
    _write(reply, title, body, translations, main_language)
    reply.position = (db.session.scalar(db.select(db.func.max(SavedReply.position))) or 0) + 1
    db.session.add(reply)
    db.session.flush()
    return reply


def update(reply, title, body, translations, main_language):
    _write(reply, title, body, translations, main_language)
    db.session.flush()
    return reply


def delete(reply):
    db.session.delete(reply)
    db.session.flush()


def move(reply, step):
    """Move a reply up (step -1) or down (+1) the list; the list is renumbered 1, 2, 3..."""
    replies = list(all_replies())
    index = replies.index(reply)
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(replies):
        replies[index], replies[other] = replies[other], replies[index]
    for position, each in enumerate(replies, start=1):
        each.position = position
    db.session.flush()


# Filling a reply in ---------------------------------------------------------------------------

def first_name(name):
    """How a reply greets the customer: a Korean name whole (박민지 → 박민지, read with 님),
    otherwise its first word (Minji Park → Minji)."""
    name = " ".join((name or "").split())
    if not name:
        return ""
    if HANGUL.search(name):
        return name.replace(" ", "")
    return name.split(" ")[0]


def public_url(endpoint, **values):
    """An absolute URL of one of the shop's pages on SHOP_URL, its public address: built
    from the app's routes without a request, as a worker building an email would."""
    app = current_app
    base = urlsplit(app.config["SHOP_URL"])
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/",
                               url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def tracking_link(order):
    """The order's tracking page for whoever holds the message, signed in or not."""
    return public_url("orders.track_order", number=order.number, t=orders.tracking_token(order))


def values(conversation, shop_name=None):
    """{placeholder: its value for this conversation, or "" when it has none}."""
    order = conversation.order
    if shop_name is None:
        shop_name = shopconfig.current().name
    return {"first_name": first_name(conversation.name),
            "order_number": order.number if order is not None else "",
            "tracking_link": tracking_link(order) if order is not None else "",
            "shop_name": shop_name or ""}


def _tidy(line):
    line = re.sub(r"[ \t]{2,}", " ", line)
    line = re.sub(r"[ \t]+([,.!?:;)])", r"\1", line)
    line = re.sub(r"^[ \t]*[,.:;][ \t]*", "", line)
    return line.strip()


def fill_text(text, found):
    """`text` with its placeholders replaced from `found` ({name: value}). Returns (text,
    missing, unknown). A line offering a link that does not exist is dropped; another missing
    value is left out of its sentence (with the 님 after a missing name)."""
    missing, unknown = [], []
    lines = []
    for line in (text or "").split("\n"):
        names = PLACEHOLDER.findall(line)
        absent = [n for n in names if n in found and not found[n]]
        for name in names:
            if name not in found:
                unknown.append(name)
        missing += absent
        if "tracking_link" in absent:
            continue
        if absent:
            line = re.sub(r"\{(%s)\}(님)?" % "|".join(absent), "", line)
            line = _tidy(line)
            if not re.search(r"\w", line):
                continue
        lines.append(PLACEHOLDER.sub(lambda m: found.get(m.group(1)) or m.group(0), line))
    filled = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return filled, tuple(dict.fromkeys(missing)), tuple(dict.fromkeys(unknown))


def fill(reply, conversation, locale, shop_name=None):
    """The reply in `locale` (the main language's text where it has none), filled in for
    `conversation`."""
    translated = localized.translation(reply, locale)
    main = shopconfig.current().main_language
    fallback = locale != main and not translated.get("body")
    body = localized.text(reply, "body", locale)
    text, missing, unknown = fill_text(body, values(conversation, shop_name))
    return Filled(text=text, missing=missing, unknown=unknown, fallback=fallback)
