"""The one transaction rule: the work that starts a transaction owns it.

A web request (blueprints/transaction.py), a CLI command or a worker job (`unit_of_work`) is
committed once when it succeeds and rolled back when it fails. Domain functions flush and never
commit, so several of them add up to one change that happens whole or not at all.

Two things go with the rule:
- A domain function that raises a ShopError has changed nothing the caller could commit: it
  checks before it writes or, where a write must come first (placing an order takes stock line
  by line), rolls the transaction back itself before raising.
- An effect outside the database (a card charged) registers its undo with `on_rollback`: if the
  transaction it belongs to is rolled back instead of committed, for whatever reason and at
  whatever layer, the undo runs, so money never stays taken for an order that does not exist.
  The other way round, an effect that must not happen unless the change is kept (removing the
  files of erased emails) waits for the commit with `after_commit`.
"""
import logging
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db

log = logging.getLogger(__name__)
_UNDO = "undo_on_rollback"
_AFTER = "after_commit"


def on_rollback(undo):
    """Call undo() if the current transaction ends in a rollback rather than a commit."""
    db.session.info.setdefault(_UNDO, []).append(undo)


def after_commit(effect):
    """Call effect() once the current transaction is committed; never if it is rolled back."""
    db.session.info.setdefault(_AFTER, []).append(effect)


def finish(success):
    """End the current transaction: commit if `success`, else roll back. A commit that fails
    is rolled back (running the undos) and its error raised."""
    if not db.session.registry.has():
        return  # the work never touched the database (a static file, a cached page)
    session = db.session
    if not success:
        session.rollback()
        return
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def unit_of_work():
    """A CLI command's or worker job's transaction: committed if the block succeeds, rolled
    back (and the error raised) if it fails."""
    try:
        yield
    except BaseException:
        finish(False)
        raise
    finish(True)


def _committed(session):
    session.info.pop(_UNDO, None)
    for effect in session.info.pop(_AFTER, []):
        try:
            effect()
        except Exception:  # the change is committed; a failed effect must not undo the others
            log.exception("an effect after a commit failed")


def _ended(session, transaction):
    # Every way a transaction ends without a commit (rollback, close, a failed flush) ends
    # here; after a commit the list is already gone.
    if transaction.parent is not None:
        return
    session.info.pop(_AFTER, None)
    for undo in reversed(session.info.pop(_UNDO, [])):
        try:
            undo()
        except Exception:  # one failed undo must not keep the others from running
            log.exception("undoing an effect of a rolled-back transaction failed")


def install():
    """Listen to every session once per process; idempotent."""
    if event.contains(Session, "after_commit", _committed):
        return
    event.listen(Session, "after_commit", _committed)
    event.listen(Session, "after_transaction_end", _ended)
