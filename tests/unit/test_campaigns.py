"""Newsletter campaigns: who they go to (only confirmed consent, whatever the audience), the
bounded sending rate, each recipient queued once however many workers run and however often
one dies, consent asked again at queue time, quiet hours, the exclusive code for recipients
only, orders attributed within 7 days of a campaign link, and the report's numbers."""
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from domain import jobs, mailer, shopconfig, transaction
from domain.errors import CouponRefused, ShopError
from domain.extensions import db
from domain.loyalty import coupons
from domain.models import Campaign, LoyaltyTier, Order, OutboxMessage, User
from domain.newsletter import audience, campaigns, sending
from tests.campaign_helpers import (messages, recipients, run_job, send_all, start, subscribe,
                                    withdraw, write)
from tests.concurrency_helpers import race
from tests.order_helpers import NOW, place

import worker


def emails(people):
    return [p.email for p in people]


def test_every_audience_is_only_people_who_confirmed_consent(app, setup, make):
    subscribe(app, "fan@example.com")
    subscribe(app, "pending@example.com", confirmed=False)
    subscribe(app, "gone@example.com")
    withdraw(app, "gone@example.com")
    place(app, setup, email="fan@example.com", now=NOW - timedelta(days=3))
    place(app, setup, email="quiet@example.com", now=NOW - timedelta(days=3))  # no consent
    subscribe(app, "old@example.com")
    place(app, setup, email="old@example.com", now=NOW - timedelta(days=60))
    place(app, setup, email="gone@example.com", now=NOW - timedelta(days=60))
    with app.app_context():
        assert emails(audience.select("subscribers", 90, None, NOW)) == [
            "fan@example.com", "old@example.com"]
        assert emails(audience.select("recent", 30, None, NOW)) == ["fan@example.com"]
        assert emails(audience.select("lapsed", 30, None, NOW)) == ["old@example.com"]
        assert emails(audience.select("recent", 90, None, NOW)) == [
            "fan@example.com", "old@example.com"]


def test_a_tier_audience_is_its_members_who_agreed(app, setup, make):
    member = make.user(email="gold@example.com")
    silent = make.user(email="silent@example.com")
    with app.app_context():
        tier = LoyaltyTier(name_en="Gold", name_ko="골드", min_orders=1)
        db.session.add(tier)
        db.session.flush()
        for user_id in (member["id"], silent["id"]):
            db.session.get(User, user_id).tier_id = tier.id
        db.session.commit()
        tier_id = tier.id
    subscribe(app, "gold@example.com", language="ko")
    subscribe(app, "other@example.com")
    with app.app_context():
        found = audience.select("tier", 90, tier_id, NOW)
        assert [(p.email, p.user_id, p.locale) for p in found] == [
            ("gold@example.com", member["id"], "ko")]


def test_starting_freezes_the_list_once_and_refuses_an_empty_audience(app, setup):
    empty = write(app, name="Nobody")
    with app.test_request_context(), pytest.raises(ShopError, match="Nobody in this audience"):
        campaigns.start(campaigns.get(empty), NOW)
    subscribe(app, "a@example.com")
    subscribe(app, "b@example.com", language="ko")
    campaign_id = write(app)
    assert start(app, campaign_id) == 2
    subscribe(app, "late@example.com")
    with app.test_request_context(), pytest.raises(ShopError, match="already sent"):
        campaigns.start(campaigns.get(campaign_id), NOW)
    assert recipients(app, campaign_id) == {"a@example.com": "pending", "b@example.com": "pending"}


def test_the_rate_bounds_each_pass_and_spaces_the_messages(app, setup, make):
    make.settings(campaign_rate=2, quiet_hours=False)
    for n in range(10):
        subscribe(app, f"r{n}@example.com")
    campaign_id = write(app)
    start(app, campaign_id)
    run_job(app, NOW)                                   # first pass: one second's worth
    assert len(messages(app)) == 2
    run_job(app, NOW + timedelta(seconds=0.5))          # not due yet: nothing more
    assert len(messages(app)) == 2
    run_job(app, NOW + timedelta(seconds=3))            # 3 s since the last pass: 6 more
    queued = messages(app)
    assert len(queued) == 8
    # Spaced 1/rate seconds apart, so the outbox sends no faster than the rate.
    pass_two = [at for *_rest, at in queued[2:]]
    assert [(b - a).total_seconds() for a, b in zip(pass_two, pass_two[1:])] == [0.5] * 5
    run_job(app, NOW + timedelta(seconds=4))
    assert len(messages(app)) == 10
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert (campaign.status, campaign.queued_count, campaign.finished_at) == (
            "sent", 10, NOW + timedelta(seconds=4))


def test_a_long_pause_between_passes_is_capped():
    assert sending.budget(10, NOW, None) == 10
    assert sending.budget(10, NOW, NOW - timedelta(seconds=2)) == 20
    assert sending.budget(10, NOW, NOW - timedelta(hours=5)) == 10 * sending.MAX_PASS_SECONDS


def test_a_worker_killed_midway_leaves_nothing_queued_twice(app, setup, make):
    """A pass that dies before its commit (the process killed) queues nothing; a worker that
    dies holding the job's claim loses it when the lease lapses, and the next worker's run
    sends each recipient exactly once."""
    make.settings(campaign_rate=3, quiet_hours=False)
    for n in range(7):
        subscribe(app, f"r{n}@example.com")
    campaign_id = write(app)
    start(app, campaign_id)
    run_job(app, NOW)
    assert len(messages(app)) == 3

    class Killed(BaseException):
        pass

    # The process dies in the middle of a pass: its queued rows were never committed.
    with app.test_request_context(), pytest.raises(Killed):
        with transaction.unit_of_work():
            assert sending.queue_due(NOW + timedelta(seconds=1), shopconfig.current(), 2)[0] == 2
            raise Killed()
    assert len(messages(app)) == 3
    assert Counter(recipients(app, campaign_id).values()) == {"queued": 3, "pending": 4}
    # A worker claims the job and dies holding the claim: nobody runs it until the lease lapses.
    job = worker.jobs.REGISTRY.jobs["send-campaigns"]
    with app.app_context():
        assert jobs._claim(job, NOW + timedelta(seconds=2), timezone.utc) is not None
    run_job(app, NOW + timedelta(seconds=3))
    assert len(messages(app)) == 3
    # The next worker after the lease takes it over and finishes the campaign.
    send_all(app, campaign_id, start_at=NOW + jobs.LEASE + timedelta(seconds=3))
    sent_to = [to for to, *_rest in messages(app)]
    assert sorted(sent_to) == [f"r{n}@example.com" for n in range(7)]
    assert Counter(recipients(app, campaign_id).values()) == {"queued": 7}


def test_two_workers_at_once_queue_each_recipient_once(app, setup, make):
    make.settings(campaign_rate=5, quiet_hours=False)
    for n in range(12):
        subscribe(app, f"r{n}@example.com")
    campaign_id = write(app)
    start(app, campaign_id)
    config_app = app

    def queue(at):
        with config_app.test_request_context():
            with transaction.unit_of_work():
                return sending.queue_due(at, shopconfig.current(), 4)[0]

    for step in range(3):
        at = NOW + timedelta(seconds=step)
        # Both workers read the same pending rows; the conditional UPDATE lets one have each.
        race([lambda: queue(at), lambda: queue(at)])
    for step in range(3, 8):
        at = NOW + timedelta(seconds=step)
        race([lambda: run_job(app, at), lambda: run_job(app, at)])
    sent_to = Counter(to for to, *_rest in messages(app))
    assert sent_to == {f"r{n}@example.com": 1 for n in range(12)}
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert (campaign.status, campaign.queued_count, campaign.skipped_count) == ("sent", 12, 0)


def test_consent_withdrawn_after_sending_started_is_skipped(app, setup, make):
    make.settings(campaign_rate=10, quiet_hours=False)
    subscribe(app, "stay@example.com")
    subscribe(app, "leave@example.com")
    campaign_id = write(app)
    start(app, campaign_id)
    withdraw(app, "leave@example.com", when=NOW + timedelta(seconds=1))
    send_all(app, campaign_id, start_at=NOW + timedelta(seconds=2))
    assert [to for to, *_rest in messages(app)] == ["stay@example.com"]
    assert recipients(app, campaign_id) == {"stay@example.com": "queued",
                                            "leave@example.com": "skipped"}
    with app.app_context():
        report = campaigns.report(campaigns.get(campaign_id))
        assert (report.total, report.queued, report.skipped) == (2, 1, 1)


def test_quiet_hours_hold_the_messages_until_eight(app, setup, make):
    make.settings(campaign_rate=10, quiet_hours=True, timezone="Asia/Seoul")
    subscribe(app, "night@example.com", language="ko")
    campaign_id = write(app)
    late = datetime(2026, 3, 3, 13, 30, tzinfo=timezone.utc)  # 22:30 in Seoul
    start(app, campaign_id, now=late)
    run_job(app, late)
    [(to, locale, data, at)] = messages(app)
    assert (to, locale, data["campaign_id"]) == ("night@example.com", "ko", campaign_id)
    assert at == datetime(2026, 3, 3, 23, 0, tzinfo=timezone.utc)  # 08:00 the next day in Seoul


def with_code(app, **values):
    fields = {"coupon_kind": "percent", "coupon_value": "10", "coupon_days": "14"}
    fields.update(values)
    return write(app, **fields)


def evaluate(app, code, email, user=None, now=NOW + timedelta(days=1)):
    from domain import cart as carts
    with app.test_request_context():
        config = shopconfig.current()
        lines = carts.lines(carts.GuestCart({str(app.config["_variant"]): 1}), config.currency)
        return coupons.evaluate(config, code, lines, user=user, email=email, now=now)


def test_the_exclusive_code_works_only_for_the_campaigns_recipients(app, setup, make):
    app.config["_variant"] = setup["variant"]
    make.settings(campaign_rate=10, quiet_hours=False)
    subscribe(app, "reader@example.com")
    subscribe(app, "leaver@example.com")
    campaign_id = with_code(app)
    with app.app_context():
        coupon = db.session.get(campaigns.Coupon, campaigns.get(campaign_id).coupon_id)
        code = coupon.code
        assert (coupon.source, coupon.kind, coupon.value, coupon.per_customer_limit) == (
            "campaign", "percent", 1000, 1)
    # Before the campaign is sent, it works for nobody.
    with pytest.raises(CouponRefused, match="newsletter"):
        evaluate(app, code, "reader@example.com")
    start(app, campaign_id)
    withdraw(app, "leaver@example.com", when=NOW + timedelta(seconds=1))
    send_all(app, campaign_id, start_at=NOW + timedelta(seconds=1))
    assert evaluate(app, code, "Reader@Example.com").amount.amount == 3900
    for outsider in ("stranger@example.com", "leaver@example.com"):
        with pytest.raises(CouponRefused, match="newsletter"):
            evaluate(app, code, outsider)
    # A reader signed in with the address it was sent to.
    reader = make.user(email="reader@example.com")
    with app.app_context():
        user = db.session.get(User, reader["id"])
        assert evaluate(app, code, "", user=user).amount.amount == 3900
    # After its days, it has ended for everyone.
    with pytest.raises(CouponRefused):
        evaluate(app, code, "reader@example.com", now=NOW + timedelta(days=15))


def test_a_campaign_code_refused_at_placement_for_someone_else(app, setup, make):
    from domain import cart as carts, orders
    from domain.errors import CheckoutInvalid
    from tests.order_helpers import ADDRESS
    make.settings(campaign_rate=10, quiet_hours=False)
    subscribe(app, "reader@example.com")
    campaign_id = with_code(app)
    start(app, campaign_id)
    send_all(app, campaign_id)
    with app.app_context():
        code = db.session.get(campaigns.Coupon, campaigns.get(campaign_id).coupon_id).code
    with app.test_request_context():
        config = shopconfig.current()
        checkout = orders.Checkout(
            checkout_token="tok-outsider", email="outsider@example.com", address=ADDRESS,
            shipping_method_id=setup["method"], payment_method="bank_transfer",
            coupon_codes=(code,))
        with pytest.raises((CouponRefused, CheckoutInvalid, ShopError)):
            orders.place_order(config, carts.GuestCart({str(setup["variant"]): 1}), checkout,
                               NOW + timedelta(hours=1))
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def place_from(app, setup, campaign_id, landed_at, now, email="buyer@example.com"):
    from domain import cart as carts, orders
    from tests.order_helpers import ADDRESS
    with app.test_request_context():
        checkout = orders.Checkout(
            checkout_token=f"tok-{now.timestamp()}", email=email, address=ADDRESS,
            shipping_method_id=setup["method"], payment_method="bank_transfer",
            campaign_id=campaign_id, campaign_landed_at=landed_at)
        with transaction.unit_of_work():
            order, _created = orders.place_order(
                shopconfig.current(), carts.GuestCart({str(setup["variant"]): 1}), checkout, now)
        return order.id


def order_campaign(app, order_id):
    with app.app_context():
        return db.session.get(Order, order_id).campaign_id


def test_orders_within_7_days_of_a_campaign_link_are_attributed(app, setup, make):
    subscribe(app, "buyer@example.com")
    campaign_id = write(app)
    start(app, campaign_id)
    landed = NOW + timedelta(hours=1)
    within = place_from(app, setup, campaign_id, landed, landed + timedelta(days=6, hours=23))
    after = place_from(app, setup, campaign_id, landed, landed + timedelta(days=7, minutes=1))
    unknown = place_from(app, setup, 999, landed, landed + timedelta(hours=1))
    nothing = place_from(app, setup, None, None, landed + timedelta(hours=2))
    assert order_campaign(app, within) == campaign_id
    assert [order_campaign(app, o) for o in (after, unknown, nothing)] == [None, None, None]


class Failing:
    def send(self, email, message, accepted=None):
        raise OSError("mail server away")


def test_the_report_counts_sent_failed_unsubscribed_and_orders(app, setup, make, tmp_path):
    make.settings(campaign_rate=10, quiet_hours=False)
    for name in ("a", "b", "c", "d"):
        subscribe(app, f"{name}@example.com")
    campaign_id = write(app)
    start(app, campaign_id)
    send_all(app, campaign_id)
    from blueprints.mail import renderer
    later = NOW + timedelta(minutes=5)
    with app.app_context():
        # d's message fails, the others go.
        d = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.to_address == "d@example.com"))
        d.next_attempt_at = later + timedelta(days=1)
        db.session.commit()
        mailer.send_due(later, mailer.EmlTransport(str(tmp_path / "sent")), renderer(app))
        d = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.to_address == "d@example.com"))
        d.next_attempt_at = later
        db.session.commit()
        mailer.send_due(later, Failing(), renderer(app))
        campaigns.record_unsubscribe(campaign_id, "B@example.com", later)
        campaigns.record_unsubscribe(campaign_id, "b@example.com", later)  # once only
        campaigns.record_unsubscribe(campaign_id, "stranger@example.com", later)
        db.session.commit()
    place_from(app, setup, campaign_id, later, later + timedelta(days=1), email="a@example.com")
    place_from(app, setup, campaign_id, later, later + timedelta(days=2), email="c@example.com")
    with app.app_context():
        report = campaigns.report(campaigns.get(campaign_id))
        assert (report.total, report.queued, report.sent, report.failed, report.unsubscribed,
                report.orders, report.done) == (4, 4, 3, 1, 1, 2, True)
        assert report.revenue == 2 * (39000 + 3000)


def test_a_form_with_mistakes_names_each_and_saves_nothing(app, setup):
    bad = {"name": "", "subject_en": "Hello", "body_en": "", "subject_ko": "x" * 151,
           "body_ko": "본문", "audience": "recent", "audience_days": "0",
           "coupon_kind": "percent", "coupon_value": "150", "coupon_days": "0"}
    with app.test_request_context():
        with pytest.raises(campaigns.InvalidCampaign) as refused:
            campaigns.save(None, bad, now=NOW, by="boss@example.com")
        assert set(refused.value.errors) == {"name", "body_en", "subject_ko", "audience_days",
                                             "coupon_value", "coupon_days"}
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 0
        assert db.session.scalar(db.select(db.func.count(campaigns.Coupon.id))) == 0
        with pytest.raises(campaigns.InvalidCampaign) as refused:
            campaigns.save(None, {"name": "T", "subject_en": "S", "body_en": "B",
                                  "audience": "tier", "tier_id": "77"}, now=NOW, by="")
        assert refused.value.errors == {"tier_id": "Choose one of your loyalty tiers."}


def test_a_sent_campaign_cannot_be_edited(app, setup):
    subscribe(app, "a@example.com")
    campaign_id = write(app)
    start(app, campaign_id)
    with app.test_request_context():
        with pytest.raises(campaigns.CampaignNotEditable):
            campaigns.save(campaigns.get(campaign_id), {"name": "Changed"}, now=NOW, by="")


def test_the_markdown_is_sanitised_in_both_languages(app, setup):
    campaign_id = write(app, body_en="Hi <script>alert(1)</script> [x](javascript:alert(1))",
                        subject_ko="", body_ko="")
    with app.app_context():
        campaign = campaigns.get(campaign_id)
        subject, html, _md = campaigns.content(campaign, "en")
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "href" not in html  # a javascript: link is not made a link
        # Korean readers get the main language when the Korean is left empty.
        assert campaigns.content(campaign, "ko")[0] == "New jars"
