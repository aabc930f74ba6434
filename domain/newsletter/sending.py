"""The worker's side of a campaign: the job "send-campaigns" queues the frozen recipients into
the outbox at the shop's campaign rate.

- Bounded rate. A pass queues at most campaign_rate x the seconds since the previous pass (at
  most MAX_PASS_SECONDS of them, and one second's worth on the first pass), and spaces the
  messages' send times 1/rate seconds apart, so the outbox sends no faster than the rate.
- Exactly once. Each recipient moves from pending by a conditional UPDATE (to queued or
  skipped), in the same transaction as its outbox message (queued under a key naming the
  campaign and the address as well): a pass cut off midway (the worker killed) leaves its
  recipients pending and its messages unwritten, and any number of workers queue each
  recipient once.
- Consent is asked again as each message is queued: an address that withdrew since the send
  started is skipped.
- Quiet hours: each message waits until marketing.send_at (08:00 shop time during 21:00-08:00,
  when the shop keeps quiet hours).
"""
from datetime import timedelta

from .. import consent, marketing, notify
from ..extensions import db
from ..models import Campaign, CampaignRecipient, OutboxMessage, ScheduledJob

KIND = "campaign"
MAX_PASS_SECONDS = 30


def budget(rate, now, previous):
    """How many messages a pass at `now` may queue, the previous pass having been at
    `previous` (None: the first)."""
    rate = max(1, int(rate or 1))
    if previous is None:
        return rate
    elapsed = min(max((now - previous).total_seconds(), 0.0), MAX_PASS_SECONDS)
    return max(0, int(rate * elapsed))


def _claim(recipient_id, status, now, outbox_id=None):
    return db.session.execute(
        db.update(CampaignRecipient)
        .where(CampaignRecipient.id == recipient_id, CampaignRecipient.status == "pending")
        .values(status=status, queued_at=now if status == "queued" else None)
        .execution_options(synchronize_session=False)).rowcount == 1


def queue_due(now, config, limit):
    """Queue up to `limit` pending recipients of the campaigns being sent, oldest campaign
    first; finish the campaigns with none left. Returns (queued, skipped, finished)."""
    queued = skipped = finished = 0
    rate = max(1, int(config.campaign_rate or 1))
    start = marketing.send_at(now, config)
    sending = db.session.scalars(db.select(Campaign.id).where(Campaign.status == "sending")
                                 .order_by(Campaign.id)).all()
    for campaign_id in sending:
        left = limit - queued - skipped
        rows = db.session.execute(
            db.select(CampaignRecipient.id, CampaignRecipient.email, CampaignRecipient.locale)
            .where(CampaignRecipient.campaign_id == campaign_id,
                   CampaignRecipient.status == "pending")
            .order_by(CampaignRecipient.id).limit(max(left, 0))).all() if left > 0 else []
        done_here = {"queued": 0, "skipped": 0}
        for row in rows:
            if not consent.may_market(row.email):
                if _claim(row.id, "skipped", now):
                    done_here["skipped"] += 1
                continue
            if not _claim(row.id, "queued", now):
                continue  # another worker took it
            at = start + timedelta(seconds=(queued + done_here["queued"]) / rate)
            notify.enqueue_once(f"{KIND}:{campaign_id}:{row.email}", KIND, row.email,
                                row.locale or "en",
                                data={"campaign_id": campaign_id, "recipient_id": row.id}, now=at)
            db.session.execute(
                db.update(CampaignRecipient).where(CampaignRecipient.id == row.id)
                .values(outbox_id=db.select(OutboxMessage.id).where(
                    OutboxMessage.dedupe_key == f"{KIND}:{campaign_id}:{row.email}"[:320])
                    .scalar_subquery())
                .execution_options(synchronize_session=False))
            done_here["queued"] += 1
        if done_here["queued"] or done_here["skipped"]:
            db.session.execute(
                db.update(Campaign).where(Campaign.id == campaign_id).values(
                    queued_count=Campaign.queued_count + done_here["queued"],
                    skipped_count=Campaign.skipped_count + done_here["skipped"])
                .execution_options(synchronize_session=False))
        queued += done_here["queued"]
        skipped += done_here["skipped"]
        remaining = db.session.scalar(
            db.select(CampaignRecipient.id).where(CampaignRecipient.campaign_id == campaign_id,
                                                  CampaignRecipient.status == "pending").limit(1))
        if remaining is None:
            finished += db.session.execute(
                db.update(Campaign).where(Campaign.id == campaign_id,
                                          Campaign.status == "sending")
                .values(status="sent", finished_at=now)
                .execution_options(synchronize_session=False)).rowcount
    db.session.flush()
    return queued, skipped, finished


def previous_pass(job_name):
    """When the job's previous run finished (its row in scheduled_job), or None."""
    return db.session.scalar(db.select(ScheduledJob.finished_at)
                             .where(ScheduledJob.name == job_name))


def run(now, config, previous):
    """One pass of the job: the budget from the time since the previous pass, then queue."""
    if db.session.scalar(db.select(Campaign.id).where(Campaign.status == "sending")
                         .limit(1)) is None:
        return 0, 0, 0
    return queue_due(now, config, budget(config.campaign_rate, now, previous))
