"""Points: earned on paid lines, pending until the line's return window closes (to the
microsecond), vested once however often the job runs, taken back for returns without ever
going negative, dropped with a cancelled order, and expired with one warning email."""
from datetime import datetime, timedelta, timezone

from domain import orders, returns
from domain.extensions import db
from domain.loyalty import earning, points, settings as loyalty_settings
from domain.models import LoyaltyTier, OutboxMessage, PointsEntry, User
from tests.order_helpers import LATER, NOW, advance, delivered_order, place
from tests.return_helpers import ask_return

MERCHANT = "merchant:owner@moonjar.example"
# Delivered at NOW (3 March 09:00 UTC, shop in UTC) with the default 30-day window: returns
# may be asked until the end of 2 April, so the points vest at midnight starting 3 April.
CLOSES = datetime(2026, 4, 3, 0, 0, tzinfo=timezone.utc)


def configure(app, **values):
    with app.test_request_context():
        config = loyalty_settings.get()
        config.earn_points, config.earn_per = 1, 100
        for key, value in values.items():
            setattr(config, key, value)
        db.session.commit()


def balances(app, user_id):
    with app.test_request_context():
        db.session.expire_all()
        user = db.session.get(User, user_id)
        return user.points_balance, user.points_pending


def ledger(app, user_id):
    with app.test_request_context():
        return [(e.kind, e.points, e.pending, e.unrecovered) for e in db.session.scalars(
            db.select(PointsEntry).where(PointsEntry.user_id == user_id)
            .order_by(PointsEntry.id))]


def run(app, job, when):
    with app.test_request_context():
        result = job(when)
        db.session.commit()
        return result


def buyer(app, setup, make, quantity=1, **kwargs):
    configure(app, **kwargs)
    user = make.user("minji@example.com")
    order = delivered_order(app, setup, user_id=user["id"], quantity=quantity)
    return user["id"], order["number"]


def test_points_are_pending_until_the_window_closes_then_vest_once(app, setup, make):
    """₩39,000 paid at 1 point per ₩100: 390 points, pending. One second before the window
    closes nothing vests; at the close they all do, once, however often the job runs."""
    user_id, _number = buyer(app, setup, make)
    assert balances(app, user_id) == (0, 390)
    with app.test_request_context():
        row = db.session.scalar(db.select(PointsEntry).where(PointsEntry.kind == "earned"))
        assert row.vests_at == CLOSES and row.key.startswith("earn:")

    assert run(app, earning.vest_due, CLOSES - timedelta(seconds=1)) == 0
    assert balances(app, user_id) == (0, 390)
    assert run(app, earning.vest_due, CLOSES) == 390
    assert run(app, earning.vest_due, CLOSES) == 0
    assert run(app, earning.vest_due, CLOSES + timedelta(days=3)) == 0
    assert balances(app, user_id) == (390, 0)
    assert ledger(app, user_id) == [("earned", 0, 390, 0), ("vested", 390, -390, 0)]


def test_a_guest_earns_nothing_and_points_off_earns_nothing(app, setup, make):
    configure(app)
    delivered_order(app, setup)
    configure(app, earn_points=0)
    user = make.user("jiwoo@example.com")
    delivered_order(app, setup, user_id=user["id"], email="jiwoo@example.com")
    with app.test_request_context():
        assert db.session.scalar(db.select(db.func.count(PointsEntry.id))) == 0


def test_spent_points_and_discounts_earn_nothing(app, setup, make):
    """A line's points come from what was paid for it after its discount (₩10,000 of points
    off ₩39,000 earns 290), not its list price."""
    configure(app)
    user = make.user("minji@example.com")
    placed = place(app, setup, user_id=user["id"])
    with app.test_request_context():
        order = orders.by_number(placed["number"])
        order.discount = order.points_discount = order.lines[0].discount = 10000
        order.points_spent = 10000
        orders.set_status(order, "paid", MERCHANT, NOW)
        db.session.commit()
    assert balances(app, user["id"]) == (0, 290)


def test_a_tier_earns_its_extra_points(app, setup, make):
    configure(app)
    user = make.user("minji@example.com")
    with app.test_request_context():
        tier = LoyaltyTier(name_en="Gold", name_ko="골드", extra_points_bp=5000)
        db.session.add(tier)
        db.session.flush()
        db.session.get(User, user["id"]).tier_id = tier.id
        db.session.commit()
    delivered_order(app, setup, user_id=user["id"])
    assert balances(app, user["id"]) == (0, 585)


def test_a_cancelled_order_drops_its_pending_points(app, setup, make):
    configure(app)
    user = make.user("minji@example.com")
    placed = place(app, setup, user_id=user["id"])  # bank transfer
    advance(app, placed["number"], "paid")
    assert balances(app, user["id"]) == (0, 390)
    advance(app, placed["number"], "cancelled")
    assert balances(app, user["id"]) == (0, 0)
    assert run(app, earning.vest_due, CLOSES + timedelta(days=60)) == 0
    assert balances(app, user["id"]) == (0, 0)


def settle(app, number, quantity, when=LATER, complete_at=None):
    """The customer returns `quantity` units; the merchant approves, receives and refunds."""
    with app.test_request_context():
        ret, _created = ask_return(app, number, quantity, "refund", now=when)
        returns.approve(ret, MERCHANT, when)
        returns.receive(ret, MERCHANT, when, {})
        db.session.commit()
        rma = ret.number
    if complete_at is not None:
        complete(app, rma, complete_at)
    return rma


def complete(app, rma, when):
    with app.test_request_context():
        ret = returns.by_number(rma)
        returns.complete(ret, MERCHANT, when)
        db.session.commit()


def test_a_return_inside_the_window_takes_back_its_pending_points(app, setup, make):
    """Two jars (780 points); one returned and refunded before the window closes: 390 never
    vest; the other 390 do."""
    user_id, number = buyer(app, setup, make, quantity=2)
    assert balances(app, user_id) == (0, 780)
    settle(app, number, 1, complete_at=LATER)
    assert balances(app, user_id) == (0, 390)
    assert run(app, earning.vest_due, CLOSES) == 390
    assert balances(app, user_id) == (390, 0)
    kinds = [row[:3] for row in ledger(app, user_id)]
    assert kinds == [("earned", 0, 780), ("reversed", 0, -390), ("vested", 390, -390)]


def test_a_return_after_spending_leaves_zero_and_records_the_rest(app, setup, make):
    """Refunded after the points vested and 300 of the 390 were spent: the balance gives back
    its 90 and stops at zero; the 300 it could not are recorded, and the tier is recomputed."""
    user_id, number = buyer(app, setup, make)
    rma = settle(app, number, 1)  # received inside the window, refunded after it closed
    run(app, earning.vest_due, CLOSES)
    assert balances(app, user_id) == (390, 0)
    with app.test_request_context():
        other = orders.by_number(place(app, setup, user_id=user_id, now=CLOSES,
                                       token="second")["number"])
        points.spend(user_id, 300, other, CLOSES)
        db.session.commit()
    complete(app, rma, CLOSES + timedelta(days=1))
    assert balances(app, user_id) == (0, 0)
    assert ledger(app, user_id)[-1] == ("reversed", -90, 0, 300)
    # Settled once: nothing more is taken when a later job or return looks again.
    assert run(app, earning.vest_due, CLOSES + timedelta(days=2)) == 0
    assert balances(app, user_id) == (0, 0)


def test_a_claimed_guest_order_earns_once_for_the_account(app, setup, make):
    configure(app)
    placed = delivered_order(app, setup)
    user = make.user("minji@example.com")
    for _ in range(2):
        with app.test_request_context():
            from domain.loyalty import hooks
            hooks.orders_claimed(db.session.get(User, user["id"]), [orders.by_number(placed["number"])],
                                 LATER)
            db.session.commit()
    assert balances(app, user["id"]) == (0, 390)
    assert run(app, earning.vest_due, CLOSES) == 390


def expiry_emails(app):
    with app.test_request_context():
        return [(m.kind, m.to_address, m.locale, m.data["points"]) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == "points_expiring"))]


def test_points_expire_after_the_months_with_one_warning_first(app, setup, make):
    """Vested 3 April with a 12-month expiry: one email 30 days before, in the customer's
    language; spending first uses those points, so only what is left expires, once, and the
    balance never goes below zero."""
    user_id, _number = buyer(app, setup, make, points_expiry_months=12)
    with app.test_request_context():
        db.session.get(User, user_id).locale = "ko"
        db.session.commit()
    run(app, earning.vest_due, CLOSES)
    expires = datetime(2027, 4, 3, 0, 0, tzinfo=timezone.utc)
    with app.test_request_context():
        lot = db.session.scalar(db.select(PointsEntry).where(PointsEntry.kind == "vested"))
        assert lot.expires_at == expires
        other = orders.by_number(place(app, setup, user_id=user_id, now=CLOSES,
                                       token="second")["number"])
        points.spend(user_id, 100, other, CLOSES)
        db.session.commit()

    assert run(app, earning.warn_due, expires - timedelta(days=31)) == 0
    assert run(app, earning.warn_due, expires - timedelta(days=30)) == 1
    assert run(app, earning.warn_due, expires - timedelta(days=29)) == 0
    assert expiry_emails(app) == [("points_expiring", "minji@example.com", "ko", 290)]

    assert run(app, earning.expire_due, expires - timedelta(seconds=1)) == 0
    assert run(app, earning.expire_due, expires) == 290
    assert run(app, earning.expire_due, expires + timedelta(days=1)) == 0
    assert balances(app, user_id) == (0, 0)
    assert ledger(app, user_id)[-1][:2] == ("expired", -290)


def test_the_expiry_email_speaks_the_customers_language(app, setup, make):
    from blueprints.mail import render_parts
    user_id, _number = buyer(app, setup, make, points_expiry_months=1)
    with app.test_request_context():
        db.session.get(User, user_id).locale = "ko"
        db.session.commit()
    run(app, earning.vest_due, CLOSES)
    run(app, earning.warn_due, CLOSES + timedelta(days=1))
    from flask_babel import force_locale
    with app.test_request_context(), force_locale("ko"):
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "points_expiring"))
        subject, text, _html = render_parts(message)
    assert "포인트" in subject and "390" in text and "/account/rewards" in text


def test_month_arithmetic_keeps_to_the_calendar():
    moment = datetime(2027, 1, 31, 15, 0, tzinfo=timezone.utc)
    assert earning.add_months(moment, 1) == datetime(2027, 2, 28, 15, 0, tzinfo=timezone.utc)
    assert earning.add_months(moment, -12) == datetime(2026, 1, 31, 15, 0, tzinfo=timezone.utc)


def test_two_workers_running_the_vest_job_vest_once(app, setup, make, tmp_path):
    """The worker's "vest-points" job, run by two workers at once and again later: the points
    vest once, and the customer's tier is computed with them."""
    import worker
    from blueprints.mail import renderer
    from domain import mailer
    from tests.concurrency_helpers import race
    user_id, _number = buyer(app, setup, make)
    with app.test_request_context():
        db.session.add(LoyaltyTier(name_en="Member", position=0))
        db.session.commit()
    transport = mailer.EmlTransport(str(tmp_path / "sent"))
    only = worker._only(["vest-points", "expire-points"])
    for moment in (CLOSES - timedelta(seconds=1), CLOSES, CLOSES + timedelta(minutes=5)):
        app.config["CLOCK"] = lambda moment=moment: moment
        race([lambda: worker.run_jobs(app, transport, renderer(app), lambda line: None,
                                      registry=only) for _ in range(2)])
        if moment < CLOSES:
            assert balances(app, user_id) == (0, 390)
    assert balances(app, user_id) == (390, 0)
    assert [row[0] for row in ledger(app, user_id)] == ["earned", "vested"]
    with app.test_request_context():
        assert db.session.get(User, user_id).tier.name_en == "Member"


def test_a_changed_expiry_applies_to_available_points_with_the_warning_kept(app, setup, make):
    """Points vested with no expiry get one when the owner sets 12 months, never sooner than
    30 days away; setting 0 again means they never expire."""
    user_id, _number = buyer(app, setup, make)
    run(app, earning.vest_due, CLOSES)
    form = {"earn_points": "1", "earn_per": "100", "point_value": "1", "tier_basis": "spend"}

    def save(months, when):
        with app.test_request_context():
            earning.save_settings({**form, "points_expiry_months": str(months)}, "KRW", now=when)
            db.session.commit()
            return db.session.scalar(db.select(PointsEntry.expires_at).where(
                PointsEntry.kind == "vested"))

    assert save(12, CLOSES) == datetime(2027, 4, 3, tzinfo=timezone.utc)
    late = datetime(2027, 3, 20, tzinfo=timezone.utc)
    assert save(11, late) == late + timedelta(days=30)
    assert save(0, late) is None
    assert run(app, earning.expire_due, late + timedelta(days=400)) == 0
    assert balances(app, user_id) == (390, 0)


def test_a_refund_racing_a_points_spend_never_takes_the_balance_below_zero(app, setup, make):
    """The merchant completes the refund of a returned line at the moment the customer places
    an order spending the same 390 points, each in its own transaction on the real database.
    Whichever comes first, the balance ends at zero, never below: either the order spent the
    points and the reversal records all 390 it could not take back, or the reversal took them
    and the order was refused with nothing ordered."""
    from domain import cart as carts
    from domain import shopconfig, transaction
    from domain.errors import ShopError
    from domain.models import Order
    from tests.concurrency_helpers import race
    from tests.order_helpers import ADDRESS
    user_id, number = buyer(app, setup, make)
    rma = settle(app, number, 1)
    run(app, earning.vest_due, CLOSES)
    assert balances(app, user_id) == (390, 0)

    def refund():
        complete(app, rma, CLOSES + timedelta(days=1))
        return "refunded"

    def spend():
        with app.test_request_context():
            try:
                with transaction.unit_of_work():
                    orders.place_order(
                        shopconfig.current(), carts.GuestCart({str(setup["variant"]): 1}),
                        orders.Checkout(checkout_token="racing", email="minji@example.com",
                                        address=dict(ADDRESS),
                                        shipping_method_id=setup["method"],
                                        payment_method="bank_transfer", user_id=user_id,
                                        use_points=True, points_expected=390),
                        CLOSES + timedelta(days=1))
                return "ordered"
            except ShopError as error:
                return f"refused: {error}"

    outcome = race([refund, spend])
    assert outcome[0] == "refunded"
    assert balances(app, user_id) == (0, 0)
    with app.test_request_context():
        placed = db.session.scalar(db.select(Order).where(Order.checkout_token == "racing"))
        reversed_row = ledger(app, user_id)[-1] if outcome[1] != "ordered" else \
            next(row for row in ledger(app, user_id) if row[0] == "reversed")
        if outcome[1] == "ordered":
            assert placed.points_spent == 390
            assert reversed_row == ("reversed", 0, 0, 390)
        else:
            assert placed is None and "Nothing was ordered or charged" in outcome[1]
            assert reversed_row == ("reversed", -390, 0, 0)
    print(f"\nrefund racing a spend: the order {outcome[1]}")
