"""The checkout in progress, as the web layer sees it: its key and start in the shopper's session,
the sightings noted in this process's memory (domain/checkouts.py) and the thread that flushes
them, and the help offer shown once per checkout.

The session holds {"key", "started" (epoch seconds), "offered", "chat"}: the help offer is
shown once per checkout whichever tab asks first, because every tab sends the same session
cookie and the first answer marks it offered. A page view and a heartbeat write nothing to the
database: sightings wait in memory for the flush, every CHECKOUT_FLUSH_SECONDS in a thread of
this process (and once more at exit), as the server errors do.
"""
import atexit
import threading
import time
from datetime import datetime, timezone

from flask import current_app, session
from flask_babel import get_locale
from flask_login import current_user

from domain import checkouts

from ..common import CHECKOUT_PROBLEM_KEY as PROBLEM_KEY
from ..common import open_chat
from ..templating import now

SESSION_KEY = "checkout"
_EXTENSION = "checkout_sightings"
_lock = threading.Lock()
# Errors after which help is offered at once (the others wait for the timed offer).
OFFER_CODES = ("card_declined", "card_timeout", "sold_out", "invalid_address")


class _State:
    def __init__(self):
        self.sightings = checkouts.Sightings()
        self.thread = None


def _state(app):
    state = app.extensions.get(_EXTENSION)
    if state is None:
        with _lock:
            state = app.extensions.setdefault(_EXTENSION, _State())
    return state


def sightings(app=None):
    """This process's sightings for `app`."""
    return _state(app or current_app._get_current_object()).sightings


def flush(app):
    """Add this process's sightings to the database; a failure is logged and they wait."""
    with app.app_context():
        frozen = app.config.get("CLOCK")
        try:
            return sightings(app).flush(frozen() if frozen else datetime.now(timezone.utc))
        except Exception:
            app.logger.warning("Could not store the checkouts seen; trying again later",
                               exc_info=True)
            return 0


def _start_flushing(app):
    every = app.config.get("CHECKOUT_FLUSH_SECONDS")
    state = _state(app)
    if not every or state.thread is not None:
        return
    with _lock:
        if state.thread is not None:
            return
        state.thread = threading.Thread(target=_flush_every, args=(app, every),
                                        name="checkout-flush", daemon=True)
        state.thread.start()
    atexit.register(flush, app)


def _flush_every(app, every):
    while True:
        time.sleep(every)
        flush(app)


def current(start=False):
    """The session's checkout ({"key", "started", ...}); a new one when `start` and none."""
    found = session.get(SESSION_KEY)
    if (not isinstance(found, dict) or not isinstance(found.get("key"), str)) and start:
        found = {"key": checkouts.new_key(), "started": now().timestamp(), "offered": False}
        session[SESSION_KEY] = found
    return found if isinstance(found, dict) else None


def current_key():
    found = current()
    return found["key"] if found else ""


def started_at(found):
    try:
        return datetime.fromtimestamp(float(found.get("started")), timezone.utc)
    except (TypeError, ValueError):
        return now()


def note(*, cart=None, error=None, email=None, marketing=None):
    """Note in memory that the shopper is at checkout (starting one if needed); no write."""
    found = current(start=True)
    app = current_app._get_current_object()
    sightings(app).record(
        found["key"], now(), started=started_at(found),
        user_id=current_user.id if current_user.is_authenticated else None,
        email=email, locale=str(get_locale()), marketing=marketing, cart=cart, error=error)
    _start_flushing(app)


def note_problem(code, message, email=None):
    """An error shown at checkout: for the chat (session) and the merchant (the record)."""
    session[PROBLEM_KEY] = {"code": code, "message": message}
    note(error=(code, message), email=email)


def finish():
    """The order is placed: the next checkout is a new one."""
    session.pop(SESSION_KEY, None)
    session.pop(PROBLEM_KEY, None)


def resume(key):
    """Carry on with an earlier checkout (the reminder's restore link): its record ends
    ordered if this visit orders. Its help offer may be shown again."""
    session[SESSION_KEY] = {"key": key, "started": now().timestamp(), "offered": False}


def _mark(name, value=True):
    found = dict(current(start=True))
    found[name] = value
    session[SESSION_KEY] = found


def offer(minutes, error_code=None):
    """The help offer to show now, once per checkout: {"code": ...} or None. Marks it shown."""
    found = current(start=True)
    if found.get("offered"):
        return None
    problem = session.get(PROBLEM_KEY) or {}
    code = error_code or (problem.get("code") if isinstance(problem, dict) else None)
    if error_code is not None and error_code not in OFFER_CODES:
        return None
    if not checkouts.offer_due(started_at(found), now(), minutes,
                               error=code in OFFER_CODES):
        return None
    _mark("offered")
    return {"code": code if code in OFFER_CODES else "stalled"}


def chat_invitation():
    """A chat the merchant started for this checkout, offered once: its reference, or None.
    It becomes the chat the visitor's panel shows."""
    found = current()
    if not found or found.get("chat"):
        return None
    record = checkouts.by_key(found["key"])
    if record is None or record.conversation_id is None or record.conversation is None:
        return None
    _mark("chat", record.conversation.reference)
    open_chat(record.conversation)
    return record.conversation.reference
