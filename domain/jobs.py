"""The worker's jobs: a registry of what runs when, claimed through the database so that any
number of workers on any number of hosts run each due run once. No broker: the shop's own
database holds one `scheduled_job` row per job.

A module registers a job with a schedule:

    @jobs.register("daily-report", jobs.Daily("03:00"))
    def daily_report(run):          # run.now, run.zone, run.echo, run.services ...
        notify.enqueue_once(f"daily-report:{run.now.astimezone(run.zone):%Y-%m-%d}", ...)
        return "queued the report"  # the line `flask --app shop worker --status` shows

Schedules:

- `Every(seconds)`, `Hourly(minute)`, `Daily("HH:MM")` (in the shop's time zone): one run per
  due time, whichever worker claims it. The claim is a conditional UPDATE of the job's row
  (`next_due_at <= now` and no live lease), committed before the run starts: on SQLite the
  single writer lets one worker in, on PostgreSQL the row is first taken with
  `SELECT ... FOR UPDATE SKIP LOCKED`, so a second worker skips it without waiting. While it
  runs, a timer thread renews the lease (LEASE, renewed four times per lease) on a connection
  of its own; a worker killed mid-run leaves its lease to lapse, and the next worker to look
  runs it again. A job's work and the record of its run are committed in one transaction,
  conditional on the claim still being its own: a run either takes effect with its record or
  not at all, so a retried run does not repeat what a finished one did. A failed run is
  retried after RETRY_AFTER (or at its next due time, if sooner).
- `DueRows(every)`: work that is a query for due rows ("N days after X": bank transfers past
  their pay-by date, records past their retention, messages due, imports waiting). Every worker
  runs it at every pass; the job claims each row it works on (SKIP LOCKED, a lease, a
  conditional UPDATE or DELETE), which is what makes its effects happen once.

Effects outside the database cannot be part of a transaction: emails are queued in the outbox
in the run's transaction (with `notify.enqueue_once` and a key naming the event when a run
that committed part of its work may run again), ledger entries carry a unique key as well.
"""
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, time as clock_time, timedelta

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from . import transaction
from .extensions import db
from .models import ScheduledJob

LEASE = timedelta(minutes=1)
RENEWALS_PER_LEASE = 4
RETRY_AFTER = timedelta(minutes=1)
DETAIL_LENGTH = 500


@dataclass(frozen=True)
class Every:
    """Every so many seconds, counted from the end of the previous run."""
    seconds: float

    def first_due(self, now, zone):
        return now

    def next_due(self, now, zone):
        return now + timedelta(seconds=self.seconds)

    def __str__(self):
        return f"every {self.seconds:g} s"


@dataclass(frozen=True)
class Hourly:
    """Once an hour, at `minute` past."""
    minute: int = 0

    def first_due(self, now, zone):
        return self.next_due(now - timedelta(microseconds=1), zone)

    def next_due(self, now, zone):
        local = now.astimezone(zone)
        due = local.replace(minute=self.minute, second=0, microsecond=0)
        if due <= local:
            due += timedelta(hours=1)
        return due.astimezone(now.tzinfo)

    def __str__(self):
        return f"hourly at :{self.minute:02d}"


@dataclass(frozen=True)
class Daily:
    """Once a day at "HH:MM" on the shop's clock (its time zone, daylight saving included)."""
    at: str

    @property
    def time(self):
        hours, minutes = self.at.split(":")
        return clock_time(int(hours), int(minutes))

    def first_due(self, now, zone):
        return self.next_due(now - timedelta(microseconds=1), zone)

    def next_due(self, now, zone):
        local = now.astimezone(zone)
        day = local.date()
        while True:
            due = datetime.combine(day, self.time, tzinfo=zone)
            if due > local:
                return due.astimezone(now.tzinfo)
            day += timedelta(days=1)

    def __str__(self):
        return f"daily at {self.at} (shop time)"


@dataclass(frozen=True)
class DueRows:
    """At every pass of every worker; the job claims each row of work itself."""
    every: float = 5.0

    def __str__(self):
        return f"every pass ({self.every:g} s), rows claimed one by one"


@dataclass(frozen=True)
class Job:
    name: str
    schedule: object
    run: object
    lease: timedelta = LEASE
    # The job commits its own work (the outbox, the imports): it does not run inside the
    # transaction that records its run.
    own_transactions: bool = False


class Registry:
    """Jobs by name, in the order they were registered (the order a pass runs them in)."""

    def __init__(self):
        self.jobs = {}

    def register(self, name, schedule, lease=LEASE, own_transactions=False):
        def add(run):
            self.jobs[name] = Job(name, schedule, run, lease, own_transactions)
            return run
        return add

    def __iter__(self):
        return iter(list(self.jobs.values()))


REGISTRY = Registry()
register = REGISTRY.register


@dataclass
class Run:
    """What a job's run is given."""
    job: Job
    now: datetime
    clock: object
    zone: object
    echo: object = print
    should_stop: object = None
    services: dict = field(default_factory=dict)
    # When the run this one takes over had started, if it was cut off (its worker died).
    retrying: datetime = None


class LostClaim(Exception):
    """The run's lease lapsed and another worker claimed the job: this run's work is undone."""


def run_due(registry, clock, zone, echo=print, should_stop=None, services=None):
    """Run every job of `registry` that is due, each claimed first. Returns {name: result}
    for the jobs that ran ("ok", "failed", or "lost")."""
    results = {}
    for job in registry:
        if should_stop and should_stop():
            break
        if isinstance(job.schedule, DueRows):
            results[job.name] = _run_rows(job, clock, zone, echo, should_stop, services)
            continue
        claim = _claim(job, clock(), zone)
        if claim is None:
            continue
        run = Run(job, claim.now, clock, zone, echo, should_stop, dict(services or {}),
                  retrying=claim.retrying)
        if claim.retrying:
            echo(f"{job.name}: running again the run started at {claim.retrying:%Y-%m-%d %H:%M:%S} "
                 "UTC, which was cut off")
        results[job.name] = _run_claimed(job, run, claim.token, zone)
    return results


@dataclass(frozen=True)
class _Claim:
    token: str
    now: datetime
    retrying: datetime = None


def _insert(values):
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(ScheduledJob).values(**values).on_conflict_do_nothing(index_elements=["name"])


def _claim(job, now, zone):
    """Claim the job's due run for this worker, committed; None if it is not due or another
    worker holds it."""
    table = ScheduledJob.__table__
    with transaction.unit_of_work():
        due = (table.c.name == job.name, table.c.next_due_at <= now,
               (table.c.run_token.is_(None)) | (table.c.lease_until <= now))
        # PostgreSQL: a row another worker is claiming right now is skipped, not waited for.
        # SQLite renders no FOR UPDATE: its one writer at a time does the same.
        found = db.session.execute(
            db.select(table.c.run_token, table.c.started_at).where(*due)
            .with_for_update(skip_locked=True)).first()
        if found is None:
            # Not due, taken, or never seen: only the last needs a write (its first due time).
            if db.session.scalar(db.select(table.c.name).where(table.c.name == job.name)) is not None:
                return None
            first_due = job.schedule.first_due(now, zone)
            db.session.execute(_insert(dict(name=job.name, next_due_at=first_due, detail="",
                                            runs=0)))
            if first_due > now:
                return None
        token = secrets.token_hex(16)
        claimed = db.session.execute(
            table.update().where(*due).values(
                run_token=token, running_due_at=table.c.next_due_at, lease_until=now + job.lease,
                started_at=now)).rowcount
    if claimed != 1:
        return None
    return _Claim(token, now, retrying=found.started_at if found and found.run_token else None)


def _record(job, token, now, result, detail, zone):
    """Write how the run went and when the next is due, in the current transaction; False if
    the claim is no longer this run's."""
    table = ScheduledJob.__table__
    next_due = job.schedule.next_due(now, zone)
    if result == "failed":
        next_due = min(next_due, now + RETRY_AFTER)
    return db.session.execute(
        table.update().where(table.c.name == job.name, table.c.run_token == token).values(
            run_token=None, running_due_at=None, lease_until=None, finished_at=now,
            result=result, detail=(detail or "")[:DETAIL_LENGTH], runs=table.c.runs + 1,
            next_due_at=next_due)).rowcount == 1


def _run_claimed(job, run, token, zone):
    from .mailer import describe_error
    try:
        with _LeaseKeeper(job, token, run.clock):
            if job.own_transactions:
                summary = job.run(run)
                with transaction.unit_of_work():
                    if not _record(job, token, run.clock(), "ok", summary, zone):
                        raise LostClaim()
            else:
                with transaction.unit_of_work():
                    summary = job.run(run)
                    if not _record(job, token, run.clock(), "ok", summary, zone):
                        raise LostClaim()
    except LostClaim:
        run.echo(f"{job.name}: the claim lapsed and another worker took the run over; "
                 "this run's work was undone")
        return "lost"
    except Exception as error:
        run.echo(f"{job.name} failed: {describe_error(error)}")
        with transaction.unit_of_work():
            _record(job, token, run.clock(), "failed", describe_error(error), zone)
        return "failed"
    for line in (summary or "").splitlines():
        run.echo(f"{job.name}: {line}")
    return "ok"


# A DueRows job's run is recorded when it did something or failed, and otherwise at most this
# often: an idle worker does not write a row every pass.
QUIET_RECORD_EVERY = timedelta(minutes=1)


def _run_rows(job, clock, zone, echo, should_stop, services):
    from .mailer import describe_error
    now = clock()
    run = Run(job, now, clock, zone, echo, should_stop, dict(services or {}))
    try:
        if job.own_transactions:
            summary = job.run(run)
        else:
            with transaction.unit_of_work():
                summary = job.run(run)
        result, detail = "ok", summary or ""
    except Exception as error:
        result, detail = "failed", describe_error(error)
        echo(f"{job.name} failed: {detail}")
    else:
        for line in (summary or "").splitlines():
            echo(line)
    finished = clock()
    quiet = current_app.extensions.setdefault("jobs_recorded_at", {})
    last = quiet.get(job.name)
    if result == "ok" and not detail and last is not None and finished - last < QUIET_RECORD_EVERY:
        return result
    quiet[job.name] = finished
    try:
        with transaction.unit_of_work():
            db.session.execute(_insert(dict(name=job.name, detail="", runs=0)))
            table = ScheduledJob.__table__
            db.session.execute(table.update().where(table.c.name == job.name).values(
                started_at=now, finished_at=finished, result=result,
                detail=detail[:DETAIL_LENGTH], runs=table.c.runs + 1,
                next_due_at=finished + timedelta(seconds=job.schedule.every)))
    except Exception as error:  # the record is for --status; the work is done either way
        echo(f"recording the run of {job.name} failed: {describe_error(error)}")
    return result


class _LeaseKeeper:
    """While a claimed run works, renew its lease from a thread, on a connection of its own, so
    only a dead or frozen worker loses it; each renewal is conditional on the claim being this
    run's."""

    def __init__(self, job, token, clock):
        self.engine = db.engine
        self.job, self.token, self.clock = job, token, clock
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._renew, name=f"job-lease-{job.name}",
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        self.thread.join()

    def _renew(self):
        table = ScheduledJob.__table__
        while not self.stop.wait(self.job.lease.total_seconds() / RENEWALS_PER_LEASE):
            try:
                with self.engine.begin() as connection:
                    kept = connection.execute(
                        table.update().where(table.c.name == self.job.name,
                                             table.c.run_token == self.token)
                        .values(lease_until=self.clock() + self.job.lease)).rowcount == 1
            except Exception:  # the database busy or away: the next renewal tries again
                continue
            if not kept:
                return


@dataclass(frozen=True)
class Status:
    name: str
    schedule: str
    last_started: datetime
    last_finished: datetime
    result: str
    detail: str
    next_due: datetime
    running_until: datetime
    runs: int


def statuses(registry, now):
    """Each registered job with its last run and when it is due next, for --status."""
    rows = {row.name: row for row in db.session.scalars(db.select(ScheduledJob))}
    found = []
    for job in registry:
        row = rows.get(job.name)
        running = row is not None and row.run_token is not None
        found.append(Status(
            name=job.name, schedule=str(job.schedule),
            last_started=row.started_at if row else None,
            last_finished=row.finished_at if row else None,
            result=("running" if running and row.lease_until > now
                    else "cut off" if running else row.result if row else None),
            detail=row.detail if row else "",
            next_due=row.next_due_at if row else None,
            running_until=row.lease_until if running else None, runs=row.runs if row else 0))
    return found
