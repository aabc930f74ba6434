"""Counting server errors (domain/server_errors.py): in memory until flushed, added up per hour
across processes, kept when the database cannot take them, forgotten after 30 days."""
from datetime import timedelta

import pytest
from sqlalchemy import text

from domain.extensions import db
from domain.server_errors import ErrorCounts, hour_of
from tests.order_helpers import NOW


def rows():
    return dict(db.session.execute(text("SELECT hour, count FROM server_error_count")).all())


def test_two_processes_add_up_in_the_hours_row(ctx):
    first, second = ErrorCounts(), ErrorCounts()
    first.record(NOW)
    first.record(NOW + timedelta(minutes=59))
    second.record(NOW + timedelta(minutes=10))
    second.record(NOW + timedelta(hours=1))
    assert first.flush(NOW) == 2 and second.flush(NOW) == 2
    assert rows() == {hour_of(NOW): 3, hour_of(NOW) + 3600: 1}
    assert first.flush(NOW) == 0  # nothing left to add
    assert ErrorCounts().since(NOW + timedelta(hours=1)) == 4


def test_the_last_24_hours_leave_older_errors_out(ctx):
    counts = ErrorCounts()
    counts.record(NOW - timedelta(hours=30))
    counts.record(NOW - timedelta(hours=2))
    assert counts.since(NOW) == 1  # pending, this process
    counts.flush(NOW)
    assert ErrorCounts().since(NOW) == 1  # stored, any process


def test_a_flush_the_database_refuses_keeps_the_counts_for_the_next(ctx):
    counts = ErrorCounts()
    counts.record(NOW)
    db.session.execute(text("ALTER TABLE server_error_count RENAME TO elsewhere"))
    db.session.commit()
    with pytest.raises(Exception):
        counts.flush(NOW)
    assert counts.pending() == {hour_of(NOW): 1}
    db.session.execute(text("ALTER TABLE elsewhere RENAME TO server_error_count"))
    db.session.commit()
    assert counts.flush(NOW) == 1 and rows() == {hour_of(NOW): 1}


def test_rows_older_than_30_days_are_deleted_by_a_flush(ctx):
    counts = ErrorCounts()
    counts.record(NOW - timedelta(days=31))
    counts.flush(NOW - timedelta(days=31))
    counts.record(NOW)
    counts.flush(NOW)
    assert rows() == {hour_of(NOW): 1}
