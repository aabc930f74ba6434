"""Scheduled jobs run each due run once, whichever of many workers gets there first; a run cut
off by a dead worker runs again once its lease lapses, and its effects still happen once."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import worker
from domain import credit, jobs, notify, transaction
from domain.extensions import db
from domain.models import CreditEntry, OutboxMessage, ScheduledJob, User
from tests.concurrency_helpers import race

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
SEOUL = ZoneInfo("Asia/Seoul")


class Killed(BaseException):
    """A worker dying mid-run (kill -9): nothing of it runs after this point."""


class Clock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


def run_due(app, registry, clock, zone=SEOUL, log=None):
    with app.app_context():
        return jobs.run_due(registry, clock, zone, echo=(log if log is not None else []).append)


def job_row(app, name):
    with app.app_context():
        row = db.session.get(ScheduledJob, name)
        db.session.expunge_all()
        return row


def test_two_workers_racing_for_a_due_run_run_it_once(app):
    """Eight passes of two workers released together: the job runs once per due time."""
    registry, runs, clock = jobs.Registry(), [], Clock()

    @registry.register("count", jobs.Every(60))
    def count(run):
        runs.append(run.now)
        return f"run {len(runs)}"

    for _ in range(4):
        results = race([lambda: run_due(app, registry, clock) for _ in range(2)])
        assert sorted(len(r) for r in results) in ([0, 1], [0, 0])
    assert len(runs) == 1
    clock.now += timedelta(seconds=61)
    for _ in range(4):
        race([lambda: run_due(app, registry, clock) for _ in range(2)])
    assert len(runs) == 2
    row = job_row(app, "count")
    assert (row.runs, row.result, row.detail, row.run_token) == (2, "ok", "run 2", None)
    assert row.next_due_at == clock.now + timedelta(seconds=60)


def test_a_run_cut_off_by_a_dead_worker_runs_again_after_its_lease_and_emails_once(app, make):
    """The first worker dies after committing the customer's credit and email but before
    recording the run; the second worker leaves the run alone while the lease lasts, then runs
    it again: the keys make the credit and the email happen once."""
    customer = make.user("minji@example.com")
    registry, clock, attempts = jobs.Registry(), Clock(), []

    @registry.register("thank-loyal-customers", jobs.Daily("18:00"), own_transactions=True)
    def thank(run):
        attempts.append(run.now)
        day = run.now.astimezone(run.zone).date()
        with transaction.unit_of_work():
            credit.grant_once(f"loyalty:{customer['id']}:{day}", customer["id"], 1000, "KRW",
                              "Thank you", run.now)
            notify.enqueue_once(f"loyalty:{customer['id']}:{day}", "password_reset",
                                customer["email"], now=run.now)
        if len(attempts) == 1:
            raise Killed()
        return "thanked 1 customer"

    clock.now = datetime(2026, 12, 6, 9, 0, 1, tzinfo=timezone.utc)  # 18:00:01 in Seoul
    assert run_due(app, registry, clock) == {}  # the first run is due at 18:00 Seoul tomorrow
    clock.now += timedelta(days=1)
    with pytest.raises(Killed):
        run_due(app, registry, clock)
    assert job_row(app, "thank-loyal-customers").run_token is not None  # the lease stays behind
    clock.now += jobs.LEASE - timedelta(seconds=5)
    log = []
    assert run_due(app, registry, clock, log=log) == {}  # still leased: nobody runs it
    clock.now += timedelta(seconds=10)
    assert run_due(app, registry, clock, log=log) == {"thank-loyal-customers": "ok"}
    assert len(attempts) == 2
    assert any("which was cut off" in line for line in log)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 1
        assert db.session.scalar(db.select(db.func.count(CreditEntry.id))) == 1
        assert db.session.get(User, customer["id"]).credit_balance == 1000
    row = job_row(app, "thank-loyal-customers")
    assert row.result == "ok" and row.next_due_at == datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)


def test_a_run_that_dies_before_its_commit_leaves_nothing_and_runs_again_once(app, make):
    """A job's work and its record commit together: a run killed mid-way wrote nothing, and
    the retried run's email is queued once."""
    customer = make.user("minji@example.com")
    registry, clock, attempts = jobs.Registry(), Clock(), []

    @registry.register("reminder", jobs.Every(3600))
    def reminder(run):
        attempts.append(run.now)
        notify.enqueue("password_reset", customer["email"], now=run.now)
        db.session.flush()
        if len(attempts) == 1:
            raise Killed()

    with pytest.raises(Killed):
        run_due(app, registry, clock)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0
    clock.now += jobs.LEASE + timedelta(seconds=1)
    run_due(app, registry, clock)
    run_due(app, registry, clock)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 1
    assert len(attempts) == 2


def test_a_worker_whose_lease_was_taken_over_keeps_none_of_its_work(app, make):
    """A worker frozen past its lease finds the run taken over when it wakes: its work is
    rolled back, and only the other worker's run counts."""
    customer = make.user("minji@example.com")
    registry, clock = jobs.Registry(), Clock()
    slow_runs = []

    @registry.register("reminder", jobs.Every(3600))
    def reminder(run):
        notify.enqueue("password_reset", customer["email"], now=run.now)
        if not slow_runs:
            slow_runs.append(run.now)
            # Frozen past the lease: meanwhile another worker takes the run over.
            clock.now += jobs.LEASE + timedelta(seconds=1)
            with app.app_context():
                assert jobs.run_due(registry, clock, SEOUL, echo=lambda line: None) == {
                    "reminder": "ok"}
        return "reminded"

    log = []
    assert run_due(app, registry, clock, log=log) == {"reminder": "lost"}
    assert any("another worker took the run over" in line for line in log)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 1
    assert job_row(app, "reminder").runs == 1


def test_a_daily_job_runs_once_a_day_at_its_time_in_the_shops_zone(app):
    """Daily at 03:00 in Seoul, with two workers passing every 20 minutes for three days: three
    runs, each on its own Seoul day, between 03:00 and 03:20 Seoul time (18:00 UTC)."""
    registry, runs, clock = jobs.Registry(), [], Clock(datetime(2026, 12, 6, 0, 0, tzinfo=timezone.utc))

    @registry.register("nightly", jobs.Daily("03:00"))
    def nightly(run):
        runs.append(run.now.astimezone(run.zone))

    end = clock.now + timedelta(days=3)
    while clock.now < end:
        race([lambda: run_due(app, registry, clock) for _ in range(2)])
        clock.now += timedelta(minutes=20)
    assert [(r.date().isoformat(), r.hour) for r in runs] == [
        ("2026-12-07", 3), ("2026-12-08", 3), ("2026-12-09", 3)]
    assert all(r.minute < 20 for r in runs)


def test_a_failed_run_is_recorded_and_tried_again_a_minute_later(app):
    """A daily job that fails is not put off to tomorrow: it runs again after RETRY_AFTER."""
    registry, clock, tries = jobs.Registry(), Clock(datetime(2026, 12, 6, 18, 0, tzinfo=timezone.utc)), []

    @registry.register("nightly", jobs.Daily("03:00"))
    def nightly(run):
        tries.append(run.now)
        if len(tries) == 1:
            raise RuntimeError("the bank's server did not answer")
        return "done"

    assert run_due(app, registry, clock) == {"nightly": "failed"}
    clock.now += timedelta(seconds=30)
    assert run_due(app, registry, clock) == {}
    row = job_row(app, "nightly")
    assert row.result == "failed" and "the bank's server did not answer" in row.detail
    clock.now += jobs.RETRY_AFTER - timedelta(seconds=30)
    assert run_due(app, registry, clock) == {"nightly": "ok"}
    assert len(tries) == 2


def test_status_lists_every_job_with_its_last_run_and_next_due_time(app):
    """`flask --app shop worker --status`: each registered job, its schedule, its last run in
    the shop's time zone with its result, and when it is due next."""
    app.config["CLOCK"] = lambda: NOW
    with app.app_context():
        from domain.shopconfig import get_settings_row
        get_settings_row().timezone = "Asia/Seoul"
        db.session.commit()
    before = app.test_cli_runner().invoke(args=["worker", "--status"])
    assert before.exit_code == 0, before.output
    assert "heartbeat: every 60 s\n  last run: never (0 runs)\n  next due: now" in before.output
    from domain import mailer
    worker.run_jobs(app, mailer.EmlTransport(app.config["MAIL_FOLDER"]), None, lambda line: None)
    shown = app.test_cli_runner().invoke(args=["worker", "--status"]).output
    assert "Jobs (18), times in Asia/Seoul:" in shown
    assert ("checkout-reminders: every 60 s\n  last run: 2026-12-06 18:00:00, ok (1 run)\n"
            "  next due: 2026-12-06 18:01:00") in shown
    # 09:00 UTC is 18:00 in Seoul; the heartbeat is due again a minute later.
    assert ("heartbeat: every 60 s\n  last run: 2026-12-06 18:00:00, ok (1 run)\n"
            "  next due: 2026-12-06 18:01:00") in shown
    assert ("send-outbox: every pass (5 s), rows claimed one by one\n"
            "  last run: 2026-12-06 18:00:00, ok (1 run)\n"
            "  next due: at every worker's next pass") in shown
    for name in worker.PASS_JOBS:
        assert f"{name}: " in shown
