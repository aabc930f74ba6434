"""Server errors: logged with the request's id, and counted for the dashboard.

The count is kept in memory per process (domain/server_errors.py) and added to the database
by a thread of this process every ERROR_FLUSH_SECONDS, and once more when the process exits:
the request that failed writes nothing (the house rule for page views, and an error is often
the moment the database is struggling). The mail worker is another process and cannot see
these counts, so each web process flushes its own; the thread starts with the first error.
"""
import atexit
import threading
import time
from datetime import datetime, timezone

from flask import request

from domain.server_errors import ErrorCounts

from . import requestid
from .templating import now

_EXTENSION = "server_errors"


class _State:
    def __init__(self):
        self.counts = ErrorCounts()
        self.lock = threading.Lock()
        self.thread = None


def init_app(app):
    app.extensions[_EXTENSION] = _State()


def counts(app):
    """This process's counter for `app`."""
    return app.extensions[_EXTENSION].counts


def log_and_count(app, exc_info):
    """Flask's log_exception for the shop: the traceback under the request's id, and one
    more error counted (in memory)."""
    app.logger.error("Server error, reference %s: %s %s", requestid.current(), request.method,
                     request.path, exc_info=exc_info)
    counts(app).record(now())
    _start_flushing(app)


def flush(app):
    """Add this process's counts to the database; a failure is logged and they wait for the
    next flush."""
    with app.app_context():
        frozen = app.config.get("CLOCK")
        try:
            counts(app).flush(frozen() if frozen else datetime.now(timezone.utc))
        except Exception:
            app.logger.warning("Could not store the count of server errors; trying again later",
                               exc_info=True)


def _start_flushing(app):
    every = app.config["ERROR_FLUSH_SECONDS"]
    state = app.extensions[_EXTENSION]
    if not every or state.thread is not None:
        return
    with state.lock:
        if state.thread is not None:
            return
        state.thread = threading.Thread(target=_flush_every, args=(app, every),
                                        name="server-error-flush", daemon=True)
        state.thread.start()
    atexit.register(flush, app)


def _flush_every(app, every):
    while True:
        time.sleep(every)
        flush(app)
