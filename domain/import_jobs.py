"""Product imports from the back office, run by the worker exactly once, however many workers.

start() keeps the uploaded files in the instance folder (IMPORT_FOLDER/<job folder>/) and
queues a job; the worker's pass calls work(). A worker claims a job with a conditional update
(status and lease), then imports it step by step: one step per product of the product file, then
one per product of the inventory file. Each step is a unit of work that writes the product and,
in the same transaction, moves the job's `done` on, conditional on the worker still holding the
claim and on `done` being where it left it: a step is committed with its progress or not at all,
by one worker only. A worker that lost its claim (it froze past its lease, another took over)
has its step rolled back. A worker killed mid-job leaves it to any worker one LEASE later, which
carries on at the first step not done; a live worker renews its lease at each step and after
each photo it downloads. After SLICE seconds a worker lets go of the job (it stays "running",
free for the next pass of any worker), so that emails are not held up by a long import. When the
last step is done, the job is "done" and its files are deleted; a file that cannot be read, or a
job that failed MAX_FAILURES passes in a row, makes it "failed" (files deleted too).
"""
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import force_locale, gettext as _

from . import importer, transaction
from .errors import ImportFailed, ShopError
from .extensions import db
from .models import ImportJob, ImportProblem

PRODUCTS_FILE = "products.csv"
INVENTORY_FILE = "inventory.csv"
# The uploaded files together: a Shopify export of a few thousand products fits easily.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
LEASE = timedelta(minutes=2)
SLICE = 20.0
MAX_FAILURES = 3
ERROR_LENGTH = 500
# The page lists this many report lines; the CSV download has them all.
SHOWN_PROBLEMS = 200


class LostClaim(Exception):
    """Another worker holds the job now: this one's step is rolled back and it stops."""


def start(root, products_file, inventory_file, user_id, locale):
    """Keep the uploaded files and queue their import. products_file and inventory_file (or
    None) are (name, binary stream). ImportFailed, with nothing kept, if a file is not a
    Shopify export of its kind or the files are larger than MAX_UPLOAD_BYTES together."""
    folder = secrets.token_hex(16)
    path = os.path.join(root, folder)
    os.makedirs(path, mode=0o700)
    transaction.on_rollback(lambda: shutil.rmtree(path, ignore_errors=True))
    try:
        size = _save(products_file[1], os.path.join(path, PRODUCTS_FILE), MAX_UPLOAD_BYTES)
        importer.check_product_columns(importer.read_header(os.path.join(path, PRODUCTS_FILE)))
        if inventory_file:
            _save(inventory_file[1], os.path.join(path, INVENTORY_FILE), MAX_UPLOAD_BYTES - size)
            try:
                columns = importer.read_header(os.path.join(path, INVENTORY_FILE))
            except ImportFailed as error:
                raise ImportFailed(_("The inventory file: %(error)s", error=error))
            importer.check_inventory_columns(columns)
    except ShopError:
        shutil.rmtree(path, ignore_errors=True)
        raise
    job = ImportJob(status="queued", folder=folder, locale=locale or "en", created_by_id=user_id,
                    products_name=_file_name(products_file[0]),
                    inventory_name=_file_name(inventory_file[0]) if inventory_file else "")
    db.session.add(job)
    db.session.flush()
    return job


def too_large_message():
    return _("The files are larger than %(num)d MB together. Export fewer products at a time, "
             "or import the file with the command line (flask import-products).",
             num=MAX_UPLOAD_BYTES // (1024 * 1024))


def _save(stream, target, limit):
    size = 0
    with open(target, "wb") as out:
        while chunk := stream.read(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise ImportFailed(too_large_message())
            out.write(chunk)
    return size


def _file_name(name):
    return os.path.basename((name or "").replace("\\", "/"))[:200] or "products.csv"


def recent(limit=10):
    return db.session.scalars(db.select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)).all()


def shown_problems(job_id, limit=SHOWN_PROBLEMS):
    """(the first `limit` report lines, how many there are)."""
    lines = db.session.scalars(db.select(ImportProblem).where(ImportProblem.job_id == job_id)
                               .order_by(ImportProblem.id).limit(limit)).all()
    total = db.session.scalar(db.select(db.func.count(ImportProblem.id))
                              .where(ImportProblem.job_id == job_id))
    return lines, total


def report_header():
    return _("File"), _("Line"), _("Product"), _("Kind"), _("What happened")


def report_rows(job_id):
    """The rows of the report's CSV download (after report_header()), in batches."""
    kinds = {"products": _("products"), "inventory": _("inventory")}
    last = 0
    while True:
        batch = db.session.scalars(
            db.select(ImportProblem).where(ImportProblem.job_id == job_id, ImportProblem.id > last)
            .order_by(ImportProblem.id).limit(500)).all()
        if not batch:
            return
        for p in batch:
            yield (kinds.get(p.source, p.source), p.line, p.handle,
                   _("warning") if p.warning else _("not imported"), p.message)
        last = batch[-1].id


@dataclass(frozen=True)
class Context:
    """What a worker needs to run imports: where the files live, the product photo store
    (domain/storage; a folder path names a folder store), the clock."""
    root: str
    upload_dir: object
    clock: object
    # The address the shop's own photos are served from, to recognise them (see importer).
    own_media: str = ""


def work(context, should_stop=None, slice_seconds=SLICE, report=None):
    """Claim and run waiting imports for up to slice_seconds; returns the ids of jobs worked on."""
    deadline = time.monotonic() + slice_seconds
    worked = []
    while time.monotonic() < deadline and not (should_stop and should_stop()):
        now = context.clock()
        job_id = db.session.scalar(
            db.select(ImportJob.id).where(ImportJob.status.in_(("queued", "running")),
                                          db.or_(ImportJob.lease_until.is_(None),
                                                 ImportJob.lease_until <= now))
            .order_by(ImportJob.id).limit(1))
        transaction.finish(True)
        if job_id is None or job_id in worked:
            break
        worked.append(job_id)
        token = claim(job_id, now)
        if token:
            run(context, job_id, token, deadline, should_stop, report)
    return worked


def claim(job_id, now):
    """Take the job for LEASE: its claim token, or None if another worker has it or it ended."""
    token = secrets.token_hex(16)
    with transaction.unit_of_work():
        taken = db.session.execute(
            db.update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.status.in_(("queued", "running")),
                   db.or_(ImportJob.lease_until.is_(None), ImportJob.lease_until <= now))
            .values(status="running", claim=token, lease_until=now + LEASE,
                    started_at=db.func.coalesce(ImportJob.started_at, now))
            .execution_options(synchronize_session=False)).rowcount == 1
    return token if taken else None


def run(context, job_id, token, deadline=None, should_stop=None, report=None):
    """Run the claimed job step by step until it ends, the deadline passes or should_stop()."""
    job = db.session.get(ImportJob, job_id)
    folder = os.path.join(context.root, job.folder)
    locale, has_inventory = job.locale, bool(job.inventory_name)
    transaction.finish(True)
    with force_locale(locale):
        try:
            _run(context, job_id, token, folder, has_inventory, deadline, should_stop, report)
        except LostClaim:
            transaction.finish(False)
            if report:
                report(f"import #{job_id}: another worker took it over")
        except Exception as error:  # a bug or the database: retried a few times, then failed
            transaction.finish(False)
            text = " ".join(f"{type(error).__name__}: {error}".split())[:ERROR_LENGTH]
            failed = _failure(job_id, token, text, context.clock())
            if failed:
                shutil.rmtree(folder, ignore_errors=True)
            if report:
                report(f"import #{job_id} {'failed' if failed else 'interrupted'}: {text}")


def _run(context, job_id, token, folder, has_inventory, deadline, should_stop, report):
    try:
        products = importer.read_csv(os.path.join(folder, PRODUCTS_FILE))
        inventory = (importer.read_inventory(os.path.join(folder, INVENTORY_FILE))
                     if has_inventory else None)
    except (ImportFailed, OSError) as error:
        with transaction.unit_of_work():
            _end(job_id, token, "failed", context.clock(), error=str(error))
        shutil.rmtree(folder, ignore_errors=True)
        if report:
            report(f"import #{job_id} failed: {error}")
        return
    steps = [("products", g) for g in products.groups]
    if inventory:
        steps += [("inventory", g) for g in inventory.groups]
    job = db.session.get(ImportJob, job_id)
    if job.total is None:
        with transaction.unit_of_work():
            _prepare(job_id, token, len(steps),
                     products.problems + (inventory.problems if inventory else []))
        job = db.session.get(ImportJob, job_id)
    done = job.done
    transaction.finish(True)
    currency = _currency()
    repeated = importer.repeated_skus(products.groups)
    renew = _renewer(job_id, token, context.clock)
    while done < len(steps):
        if (deadline and time.monotonic() >= deadline) or (should_stop and should_stop()):
            with transaction.unit_of_work():
                _let_go(job_id, token, context.clock())
            return
        source, group = steps[done]

        def take_step(step=done):
            _take_step(job_id, token, step, context.clock())

        with transaction.unit_of_work():
            if source == "products":
                outcome = importer.import_product(
                    group, products.columns, currency, context.upload_dir, repeated=repeated,
                    own_media=context.own_media, on_image=renew, before_write=take_step)
                counts = {outcome.result: 1}
                problems = outcome.problems
            else:
                take_step()
                stock_set, problems = importer.apply_inventory(group, inventory.location_columns)
                counts = {"stock_set": stock_set}
            _count_step(job_id, token, done, counts, problems)
        done += 1
    with transaction.unit_of_work():
        _end(job_id, token, "done", context.clock())
    shutil.rmtree(folder, ignore_errors=True)
    if report:
        report(f"import #{job_id} done")


def _currency():
    from .shopconfig import load
    return load().currency


def _holding(job_id, token):
    return (ImportJob.id == job_id, ImportJob.claim == token)


def _prepare(job_id, token, total, problems):
    """Record the step count and the report lines about the files as a whole, once."""
    prepared = db.session.execute(
        db.update(ImportJob).where(*_holding(job_id, token), ImportJob.total.is_(None))
        .values(total=total).execution_options(synchronize_session=False)).rowcount == 1
    if not prepared:
        raise LostClaim()
    _add_problems(job_id, problems)


def _take_step(job_id, token, done, now):
    """Count step `done` as taken, first thing in its transaction (before the product is
    written), if this worker still holds the job and nobody took the step; LostClaim, and the
    step is rolled back, otherwise. Being the transaction's first write matters on SQLite: its
    driver starts a transaction only at a write, and a savepoint opened outside one (the
    product's) is committed on its own when released."""
    taken = db.session.execute(
        db.update(ImportJob).where(*_holding(job_id, token), ImportJob.done == done)
        .values(done=done + 1, lease_until=now + LEASE, failures=0)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not taken:
        raise LostClaim()


def _count_step(job_id, token, done, counts, problems):
    """Add what the step did to the job, in the step's transaction."""
    values = {name: getattr(ImportJob, name) + n for name, n in counts.items() if n}
    counted = db.session.execute(
        db.update(ImportJob).where(*_holding(job_id, token), ImportJob.done == done + 1)
        # The claim, unchanged: something to set when every count is 0.
        .values(claim=token, **values)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not counted:  # the step was never taken: a bug, not a race
        raise LostClaim()
    _add_problems(job_id, problems)


def _add_problems(job_id, problems):
    db.session.add_all(ImportProblem(job_id=job_id, source=p.source, line=p.line,
                                     handle=p.handle[:255], warning=p.warning, message=p.message)
                       for p in problems)
    db.session.flush()


def _end(job_id, token, status, now, error=""):
    db.session.execute(
        db.update(ImportJob).where(*_holding(job_id, token))
        .values(status=status, finished_at=now, claim=None, lease_until=None,
                error=error[:ERROR_LENGTH])
        .execution_options(synchronize_session=False))


def _let_go(job_id, token, now):
    """Free the job for the next pass of any worker (this one included)."""
    db.session.execute(db.update(ImportJob).where(*_holding(job_id, token))
                       .values(claim=None, lease_until=now)
                       .execution_options(synchronize_session=False))


def _failure(job_id, token, text, now):
    """Count a failed pass; True if the job has now failed for good."""
    with transaction.unit_of_work():
        job = db.session.get(ImportJob, job_id)
        if job is None or job.claim != token:
            return False
        job.failures += 1
        job.error = text
        if job.failures >= MAX_FAILURES:
            _end(job_id, token, "failed", now, error=_("The import stopped after an error: "
                                                      "%(error)s", error=text))
            return True
        # Tried again a minute later, by whichever worker comes first.
        job.claim, job.lease_until = None, now + timedelta(minutes=1)
    return False


def _renewer(job_id, token, clock):
    """A callback renewing the lease through a connection of its own, while a step waits on the
    network (a photo download) before it writes anything."""
    table = ImportJob.__table__

    def renew():
        try:
            with db.engine.begin() as connection:
                connection.execute(table.update().where(table.c.id == job_id,
                                                        table.c.claim == token)
                                   .values(lease_until=clock() + LEASE))
        except Exception:  # the database busy: the step's own commit renews it as well
            pass
    return renew
