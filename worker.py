"""`flask --app shop worker`: sends the outbox, expires unpaid bank transfers, alerts the
merchant when mail has failed for over an hour, purges the records kept for the law once
their time is up and runs the product imports started in the back office, in a loop.

Run one worker per shop: `make run` starts it beside gunicorn, `make worker` alone. A second
one by mistake does nothing twice (messages, unpaid orders and records to purge are each
claimed before they are handled: domain/mailer.py, orders.expire_unpaid, order_records), but
it only adds load. SIGTERM or SIGINT stops it after the message it is sending; a worker killed
outright leaves that message to the next worker a minute later, and it may arrive twice.
"""
import signal
import threading
import time
from datetime import datetime, timezone

# The wait between passes is sliced so a stop request is seen within this many seconds.
SLICE = 0.5
# The heartbeat is written at most this often: the dashboard counts in minutes, and a row
# written every pass would only add writes.
HEARTBEAT_EVERY = 60.0


def clock(app):
    """The worker's now; tests freeze it with app.config["CLOCK"], as for the web pages."""
    frozen = app.config.get("CLOCK")
    return frozen() if frozen else datetime.now(timezone.utc)


def run_pass(app, transport, render, echo, should_stop=None, limit=50):
    """One pass: expire bank transfers past their date, alert the merchant if mail has failed
    for over an hour, purge what the law no longer requires the shop to keep, send what is
    due, then import for up to import_jobs.SLICE seconds. Each is a job with transactions of its
    own, so a failure in one does not undo the others; each takes effect once with any number
    of workers (claimed orders, an alert under a unique key, records claimed by their DELETE,
    leased messages, imports claimed with a lease). Returns the emails' outcomes."""
    from domain import alerts, mailer, orders, personal_data, transaction

    with app.app_context():
        now = clock(app)
        try:
            with transaction.unit_of_work():
                expired = orders.expire_unpaid(now)
        except Exception as error:
            echo(f"expiring unpaid orders failed: {mailer.describe_error(error)}")
        else:
            if expired:
                echo(f"expired {expired} unpaid bank-transfer order{'s' if expired != 1 else ''}")
        try:
            with transaction.unit_of_work():
                alerted = alerts.check_mail(now)
        except Exception as error:
            echo(f"checking for failing mail failed: {mailer.describe_error(error)}")
        else:
            if alerted:
                echo("mail has failed for over an hour: the merchant's alert is queued")
        try:
            # Each record is claimed by the DELETE that removes it: any number of workers
            # purge it, and log its purge, exactly once.
            with transaction.unit_of_work():
                purged = personal_data.purge_expired(now)
        except Exception as error:
            echo(f"purging records past their retention failed: {mailer.describe_error(error)}")
        else:
            for entry in purged:
                echo(f"purged the records of erasure {entry.reference} past their retention: "
                     + ", ".join(f"{count} {kind}" for kind, count in entry.records.items()))
        outcomes = mailer.send_due(now, transport, render, limit=limit, should_stop=should_stop,
                                   report=lambda outcome: echo(str(outcome)))
    run_imports(app, echo, should_stop)
    return outcomes


def import_context(app):
    """Where the import jobs find their files and photos, and their clock."""
    from blueprints.products.context import photos_address
    from domain import storage
    from domain.import_jobs import Context

    with app.test_request_context(base_url=app.config["SHOP_URL"]):
        own_media = photos_address()
    return Context(root=app.config["IMPORT_FOLDER"], upload_dir=storage.product_photos(app),
                   clock=lambda: clock(app), own_media=own_media)


def run_imports(app, echo, should_stop=None):
    from domain import import_jobs, mailer

    with app.app_context():
        try:
            import_jobs.work(import_context(app), should_stop=should_stop, report=echo)
        except Exception as error:
            echo(f"running imports failed: {mailer.describe_error(error)}")


def record_heartbeat(app, echo):
    """Stamp the worker's heartbeat (domain/heartbeat.py), a job of its own: a failure is
    reported and leaves the passes alone."""
    from domain import heartbeat, mailer, transaction

    with app.app_context():
        try:
            with transaction.unit_of_work():
                heartbeat.beat(clock(app))
        except Exception as error:
            echo(f"recording the heartbeat failed: {mailer.describe_error(error)}")


def run(app, once=False, interval=5.0, echo=print):
    """Loop until SIGTERM/SIGINT (or one pass with once=True). A failed pass (the database
    busy, say) is reported and tried again after the interval; with once=True it raises."""
    from blueprints.mail import renderer
    from domain import mailer

    transport = mailer.transport_for(app.config.get("SMTP_URL"), app.config["MAIL_FOLDER"])
    render = renderer(app)
    stop = threading.Event()
    previous = {} if once else _on_stop_signals(stop)
    if not once:
        echo(f"mail worker: sending through {transport}, every {interval:g} s; stop with Ctrl-C")
    next_beat = 0.0
    try:
        while not stop.is_set():
            if time.monotonic() >= next_beat:
                record_heartbeat(app, echo)
                next_beat = time.monotonic() + HEARTBEAT_EVERY
            try:
                run_pass(app, transport, render, echo, should_stop=stop.is_set)
            except Exception as error:
                if once:
                    raise
                echo(f"pass failed, trying again in {interval:g} s: {mailer.describe_error(error)}")
            if once:
                break
            deadline = time.monotonic() + interval
            while not stop.is_set() and time.monotonic() < deadline:
                stop.wait(min(SLICE, max(0.0, deadline - time.monotonic())))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if not once:
        echo("mail worker stopped")


def _on_stop_signals(stop):
    """Make SIGTERM and SIGINT set `stop`; returns the handlers to put back afterwards."""
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
        except ValueError:
            # Not the main thread (an embedding server): the caller stops it another way.
            pass
    return previous
