"""`flask --app shop worker`: runs the shop's background jobs in a loop. The jobs are registered
below with their schedules (domain/jobs.py): sending the outbox, expiring unpaid bank
transfers, alerting the merchant when mail has failed for over an hour, purging the records
kept for the law once their time is up, running the product imports started in the back
office, reading customers' emails from the shop's mailbox into conversations (when IMAP_URL is
set), deciding the abandoned checkouts' reminders, sending the review requests after delivery,
sending the birthday codes, rewarding referrers once their friend's first order can no longer
be returned, vesting customers' points once their return windows close, expiring old points
after one warning, computing the customers' tiers every night, queueing newsletter campaigns
at their rate, adding the product views and cart adds the web processes counted to each
day's figures, and recording the heartbeat the dashboard reads.

Run as many workers as you like, on as many hosts as you like, against the same database: each
due run of a scheduled job is claimed by one worker, and the jobs that work through rows
(messages, orders, records, imports) claim each row before they handle it, so nothing happens
twice. SIGTERM or SIGINT stops a worker after the message it is sending; a worker killed
outright leaves its claims to lapse (a minute for a message or a scheduled run, two for an
import) and another worker takes them over; only a message whose sending was cut off may arrive
twice (domain/mailer.py).
"""
import signal
import threading
import time
from datetime import datetime, timedelta, timezone

from domain import jobs

# The wait between passes is sliced so a stop request is seen within this many seconds.
SLICE = 0.5
# The heartbeat is written at most this often: the dashboard counts in minutes, and a row
# written every pass would only add writes.
HEARTBEAT_EVERY = 60.0
# What the outbox job hands to mailer.send_due per pass.
SEND_LIMIT = 50
# The shop's mailbox is read this often, when IMAP_URL is set.
INBOUND_EVERY = 60.0
# Review requests are looked for this often: they go out on their day, from a morning hour.
REVIEW_REQUESTS_EVERY = 300.0
# Birthday codes go out once a day at this hour of the shop's clock.
BIRTHDAY_AT = "09:00"
# The newsletter's two-yearly consent reminders and the purge of unconfirmed sign-ups.
CONSENT_REMINDERS_AT = "10:00"
# Co-purchase pairs, computed again every night (shop time).
NIGHTLY_PAIRS_AT = "03:15"
# Referrals whose return window closed are rewarded this often.
REFERRALS_EVERY = 300.0
# Points vest and expire at most this long after their moment.
POINTS_EVERY = 60.0
# Campaigns being sent are queued this often (their rate counts the seconds in between).
CAMPAIGNS_EVERY = 1.0
# A pass takes well under a second; a worker killed holding it stalls the campaign this long.
CAMPAIGNS_LEASE = timedelta(seconds=10)
# The web processes' counts (handed over every 30 s) are added to the day's figures this often.
COUNTERS_EVERY = 30.0
# Jobs that run only when a setting names what they work with.
NEEDS_SETTING = {"read-inbound-mail": "IMAP_URL"}


def clock(app):
    """The worker's now; tests freeze it with app.config["CLOCK"], as for the web pages."""
    frozen = app.config.get("CLOCK")
    return frozen() if frozen else datetime.now(timezone.utc)


@jobs.register("expire-unpaid-transfers", jobs.DueRows())
def expire_unpaid(run):
    """Bank transfers past their pay-by date ("N days after placing"): each order is claimed
    (SKIP LOCKED, then a conditional UPDATE), so it expires, gives its stock back and tells the
    customer and the merchant once."""
    from domain import orders
    expired = orders.expire_unpaid(run.now)
    if expired:
        return f"expired {expired} unpaid bank-transfer order{'s' if expired != 1 else ''}"


@jobs.register("alert-failing-mail", jobs.DueRows())
def alert_failing_mail(run):
    """The merchant's alert when mail has failed for over an hour, queued under a unique key."""
    from domain import alerts
    if alerts.check_mail(run.now):
        return "mail has failed for over an hour: the merchant's alert is queued"


@jobs.register("purge-past-retention", jobs.DueRows())
def purge_past_retention(run):
    """Each record is claimed by the DELETE that removes it: any number of workers purge it,
    and log its purge, exactly once."""
    from domain import personal_data
    lines = [f"purged the records of erasure {entry.reference} past their retention: "
             + ", ".join(f"{count} {kind}" for kind, count in entry.records.items())
             for entry in personal_data.purge_expired(run.now)]
    return "\n".join(lines)


@jobs.register("send-outbox", jobs.DueRows(), own_transactions=True)
def send_outbox(run):
    """Due messages, each claimed with a lease renewed while it is sent."""
    from domain import mailer
    outcomes = mailer.send_due(run.now, run.services["transport"], run.services["render"],
                               limit=run.services.get("limit", SEND_LIMIT),
                               should_stop=run.should_stop,
                               report=lambda outcome: run.echo(str(outcome)))
    run.services["outcomes"] = outcomes
    if outcomes:
        sent = sum(1 for outcome in outcomes if outcome.sent)
        return f"sent {sent} of {len(outcomes)} due email{'s' if len(outcomes) != 1 else ''}"


@jobs.register("email-unread-chat-replies", jobs.DueRows())
def email_unread_chat_replies(run):
    """A staff reply shown in a shopper's open chat panel and still unread five minutes later
    goes out by email, once (its key names the message)."""
    from domain.helpdesk import chat_replies
    queued = chat_replies.email_unread(run.now)
    if queued:
        return f"emailed {queued} unread chat repl{'ies' if queued != 1 else 'y'}"


@jobs.register("run-imports", jobs.DueRows(), own_transactions=True)
def run_imports_job(run):
    """Imports waiting or cut off, each claimed with a lease, for up to import_jobs.SLICE s."""
    from domain import import_jobs
    import_jobs.work(run.services["import_context"](), should_stop=run.should_stop,
                     report=run.echo)


@jobs.register("read-inbound-mail", jobs.Every(INBOUND_EVERY), own_transactions=True)
def read_inbound_mail(run):
    """Customers' emails from the shop's mailbox (IMAP_URL) into conversations; each message
    committed under its unique Message-ID before it is flagged \\Seen, so it is read once."""
    from flask import current_app
    from domain.helpdesk import inbound
    outcomes = inbound.poll(current_app.config["IMAP_URL"], run.now)
    if outcomes:
        counts = {}
        for outcome in outcomes:
            kind = outcome.split(":")[0].split(" ")[0]
            counts[kind] = counts.get(kind, 0) + 1
        return (f"read {len(outcomes)} email{'s' if len(outcomes) != 1 else ''}: "
                + ", ".join(f"{count} {kind}" for kind, count in counts.items()))
    return "no new email"


@jobs.register("checkout-reminders", jobs.Every(60.0))
def checkout_reminders(run):
    """Checkouts left for half an hour become abandoned, and each gets its one reminder
    decided after the shop's hours (a conditional update per checkout, the email under a key
    naming it), so any number of workers send each reminder at most once."""
    from domain import checkout_reminders as reminders, shopconfig
    return reminders.sweep(run.now, shopconfig.current())


@jobs.register("review-requests", jobs.Every(REVIEW_REQUESTS_EVERY))
def review_requests(run):
    """Delivered orders' review requests on their day in the shop's time zone, the held ones
    once their return or conversation closes, and the one reminder: each request's row is
    inserted or moved by a conditional UPDATE, the email under a key naming the order, so any
    number of workers send each once."""
    from domain import shopconfig
    from domain.reviews import requests
    return requests.sweep(run.now, shopconfig.get_settings_row(), run.zone)


@jobs.register("birthday-codes", jobs.Daily(BIRTHDAY_AT))
def birthday_codes(run):
    """Customers whose birthday is due today in the shop's time zone (on the day, or the
    setting's days before) get their birthday code by email, only with marketing consent, and
    their tier's birthday points: once a year each, under keys naming the customer and the
    year, so any number of workers, or a run repeated, give each once."""
    from domain import shopconfig
    from domain.loyalty import birthdays
    return birthdays.sweep(run.now, run.zone, shopconfig.current())


@jobs.register("consent-reminders", jobs.Daily(CONSENT_REMINDERS_AT))
def consent_reminders(run):
    """Every subscriber is told, every two years from their confirmation or last reminder,
    that they agreed to marketing email (when and how), with links to keep it or unsubscribe;
    each reminder is claimed by a conditional UPDATE of reminded_at and its email queued under
    a key naming the consent and the claim, so any number of workers send it once. Sign-ups
    left unconfirmed for 30 days are deleted."""
    from domain.newsletter import reminders
    return reminders.sweep(run.now)


@jobs.register("referral-rewards", jobs.Every(REFERRALS_EVERY))
def referral_rewards(run):
    """Pending referrals whose first order's return window has closed: each is decided by a
    conditional UPDATE and its points or credit given under a key naming it, so any number of
    workers reward each referral once."""
    from domain.loyalty import referrals
    rewarded = referrals.decide_due(run.now)
    if rewarded:
        return f"rewarded {rewarded} referral{'s' if rewarded != 1 else ''}"


@jobs.register("vest-points", jobs.Every(POINTS_EVERY))
def vest_points(run):
    """Pending points whose return window has closed become available: each earned row is
    claimed by a conditional UPDATE and its "vested" row is keyed on it, so any number of
    workers vest it once; the customers' tiers are computed again."""
    from domain.loyalty import earning
    vested = earning.vest_due(run.now)
    if vested:
        return f"vested {vested} point{'s' if vested != 1 else ''}"
@jobs.register("expire-points", jobs.Every(POINTS_EVERY))
def expire_points(run):
    """Vested points past their expiry (the setting's months) are taken away, never below zero,
    once per batch; 30 days before, one email warns (a conditional UPDATE per batch and a keyed
    email)."""
    from domain.loyalty import earning
    warned = earning.warn_due(run.now)
    expired = earning.expire_due(run.now)
    if warned or expired:
        return f"expired {expired} points, warned {warned} customer(s)"
@jobs.register("recompute-tiers", jobs.Daily("03:30"))
def recompute_tiers(run):
    """Every night in the shop's time zone, each customer's tier from their last 12 months, so
    a tier also falls when old orders leave them."""
    from domain.loyalty import tiers
    changed = tiers.recompute_all(run.now)
    return f"{changed} tier{'s' if changed != 1 else ''} changed"


@jobs.register("send-campaigns", jobs.Every(CAMPAIGNS_EVERY), lease=CAMPAIGNS_LEASE)
def send_campaigns(run):
    """Newsletter campaigns being sent: at most campaign_rate messages a second into the outbox
    (counted from the previous run), each recipient moved from pending by a conditional UPDATE
    in the run's transaction, so a run cut off midway queues nothing and any number of workers
    queue each recipient once; consent is asked again for each, quiet hours kept."""
    from domain import shopconfig
    from domain.newsletter import sending
    queued, skipped, finished = sending.run(run.now, shopconfig.current(),
                                            sending.previous_pass(run.job.name))
    lines = []
    if queued or skipped:
        lines.append(f"queued {queued} campaign email{'s' if queued != 1 else ''}"
                     + (f", skipped {skipped} (consent withdrawn)" if skipped else ""))
    if finished:
        lines.append(f"finished sending {finished} campaign{'s' if finished != 1 else ''}")
    return "\n".join(lines)


@jobs.register("recommend-pairs", jobs.Daily(NIGHTLY_PAIRS_AT))
def recommend_pairs(run):
    """"Goes well with": the co-purchase pairs of delivered, not-returned orders, every night
    and at the next pass once the setting's number of orders were delivered since the last run
    (a delivery moves this job's due time, domain/recommend/pairs.nudge). The whole table is
    written in the run's transaction, so any number of workers compute it once per due time."""
    from domain import shopconfig
    from domain.recommend import pairs
    return pairs.compute(run.now, shopconfig.current())


@jobs.register("flush-counters", jobs.Every(COUNTERS_EVERY), own_transactions=True)
def flush_counters(run):
    """The product views and cart adds the web processes handed over (CounterBatch rows) are
    added to each day's figures: one transaction per batch whose DELETE claims it, so with any
    number of workers, and after a worker died mid-way, each batch is added exactly once."""
    from domain import counters
    batches, added = counters.fold(should_stop=run.should_stop)
    if batches:
        return f"folded {batches} batch{'es' if batches != 1 else ''} of counts ({added} in all)"


@jobs.register("heartbeat", jobs.Every(HEARTBEAT_EVERY))
def heartbeat(run):
    """The dashboard's sign that a worker is running, on any host."""
    from domain import heartbeat as beats
    beats.beat(run.now)


PASS_JOBS = ("expire-unpaid-transfers", "alert-failing-mail", "purge-past-retention",
             "email-unread-chat-replies", "send-outbox", "run-imports")


def _only(names, registry=jobs.REGISTRY):
    selected = jobs.Registry()
    selected.jobs = {name: job for name, job in registry.jobs.items() if name in names}
    return selected


def _zone(app):
    from domain import shopconfig
    with app.app_context():
        return shopconfig.current().zone


def configured(app, registry=None):
    """`registry` (by default all the registered jobs) without the jobs whose setting is unset
    (reading the mailbox without IMAP_URL)."""
    registry = jobs.REGISTRY if registry is None else registry
    names = [name for name in registry.jobs
             if not (name in NEEDS_SETTING and not app.config.get(NEEDS_SETTING[name]))]
    return _only(names, registry)


def run_jobs(app, transport, render, echo, should_stop=None, limit=SEND_LIMIT, registry=None):
    """Run every due job of `registry` (by default all the registered ones whose settings are
    set), each claimed; returns the services dict, where the outbox job leaves its outcomes."""
    services = {"transport": transport, "render": render, "limit": limit,
                "import_context": lambda: import_context(app), "outcomes": []}
    registry = configured(app, registry)
    with app.app_context():
        zone = _zone(app)
        jobs.run_due(registry, lambda: clock(app), zone, echo=echo,
                     should_stop=should_stop, services=services)
    return services


def run_pass(app, transport, render, echo, should_stop=None, limit=SEND_LIMIT):
    """One pass of the jobs that work through due rows: expire bank transfers past their date,
    alert the merchant if mail has failed for over an hour, purge what the law no longer
    requires the shop to keep, send what is due, then import for up to import_jobs.SLICE
    seconds. Each has transactions of its own, so a failure in one does not undo the others;
    each takes effect once with any number of workers. Returns the emails' outcomes."""
    return run_jobs(app, transport, render, echo, should_stop, limit,
                    registry=_only(PASS_JOBS))["outcomes"]


def import_context(app):
    """Where the import jobs find their files and photos, and their clock."""
    from domain import storage
    from domain.import_jobs import Context

    return Context(root=app.config["IMPORT_FOLDER"], upload_dir=storage.product_photos(app),
                   clock=lambda: clock(app), own_media=storage.product_photos_address(app))


def status_lines(app, registry=None):
    """`flask --app shop worker --status`: each registered job, its schedule, its last run (in
    the shop's time zone) with its result, and when it is due next."""
    registry = jobs.REGISTRY if registry is None else registry
    off = [name for name in registry.jobs if name not in configured(app, registry).jobs]
    registry = configured(app, registry)
    with app.app_context():
        zone = _zone(app)
        now = clock(app)
        found = jobs.statuses(registry, now)

    def at(moment):
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M:%S}" if moment else "never"

    lines = [f"Jobs ({len(found)}), times in {zone.key}:"]
    for status in found:
        lines.append(f"{status.name}: {status.schedule}")
        if status.result == "running":
            last = f"running since {at(status.last_started)}, lease until {at(status.running_until)}"
        elif status.last_finished or status.result == "cut off":
            last = f"{at(status.last_finished or status.last_started)}, {status.result}"
            if status.detail:
                last += f": {status.detail.splitlines()[0]}"
        else:
            last = "never"
        lines.append(f"  last run: {last} ({status.runs} run{'s' if status.runs != 1 else ''})")
        if isinstance(registry.jobs[status.name].schedule, jobs.DueRows):
            due = "at every worker's next pass"
        elif status.next_due is None or status.next_due <= now:
            due = "now"
        else:
            due = at(status.next_due)
        lines.append(f"  next due: {due}")
    for name in off:
        lines.append(f"{name}: off ({NEEDS_SETTING[name]} is not set)")
    return lines


def run(app, once=False, interval=5.0, echo=print):
    """Run every due job, again every `interval` seconds until SIGTERM/SIGINT (or once with
    once=True). A failed pass (the database away, say) is reported and tried again after the
    interval; with once=True it raises."""
    from blueprints.mail import renderer
    from domain import mailer

    transport = mailer.transport_for(app.config.get("SMTP_URL"), app.config["MAIL_FOLDER"])
    render = renderer(app)
    stop = threading.Event()
    previous = {} if once else _on_stop_signals(stop)
    if not once:
        echo(f"mail worker: sending through {transport}, every {interval:g} s; stop with Ctrl-C")
    try:
        while not stop.is_set():
            try:
                run_jobs(app, transport, render, echo, should_stop=stop.is_set)
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
