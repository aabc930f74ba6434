"""A campaign sent by real `flask worker` processes: two at once, one killed with SIGKILL in
the middle of the campaign and another started in its place. Every recipient gets exactly one
email, and the campaign finishes."""
import os
import signal
import subprocess
import sys
from collections import Counter

from domain.extensions import db
from domain.models import Campaign, CampaignRecipient, OutboxMessage
from tests.campaign_helpers import start, subscribe, write
from tests.server_helpers import ROOT, wait_for

RECIPIENTS = 60


def worker(app, tmp_path):
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY=app.config["SECRET_KEY"], SMTP_URL="", FLASK_APP="shop",
               MAIL_FOLDER=str(tmp_path / "mail"), PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "flask", "worker", "--interval", "0.2"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def progress(app, campaign_id):
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        return campaign.status, campaign.queued_count


def test_workers_killed_and_restarted_mid_campaign_send_each_email_once(app, make, tmp_path):
    make.settings(campaign_rate=20, quiet_hours=False, name="Moonjar Studio")
    for n in range(RECIPIENTS):
        subscribe(app, f"reader{n:02d}@example.com")
    campaign_id = write(app)
    start(app, campaign_id)
    app.config.pop("CLOCK", None)
    first, second = worker(app, tmp_path), worker(app, tmp_path)
    restarted = None
    try:
        wait_for(lambda: progress(app, campaign_id)[1] > 0, "the first emails to be queued")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert progress(app, campaign_id)[1] < RECIPIENTS  # killed mid-campaign
        restarted = worker(app, tmp_path)
        wait_for(lambda: progress(app, campaign_id)[0] == "sent", "the campaign to finish", 90)
    finally:
        for process in (first, second, restarted):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
    with app.app_context():
        sent_to = Counter(db.session.scalars(db.select(OutboxMessage.to_address).where(
            OutboxMessage.kind == "campaign")))
        assert sent_to == {f"reader{n:02d}@example.com": 1 for n in range(RECIPIENTS)}
        assert db.session.get(Campaign, campaign_id).queued_count == RECIPIENTS
        # The rate held across the workers: at 20 a second, 60 emails take at least 2 seconds
        # from the first pass (20) to the last.
        times = db.session.scalars(db.select(CampaignRecipient.queued_at)).all()
        assert (max(times) - min(times)).total_seconds() >= RECIPIENTS / 20 - 1
