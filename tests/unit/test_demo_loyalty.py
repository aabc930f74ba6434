"""The demo's coupons, points and tiers: what a first `make run` shows of the reasons to come
back."""
from datetime import datetime, timezone

from domain.extensions import db
from domain.loyalty import coupons, points, settings
from domain.models import Order, PointsEntry, Product, User
from tests.checkout_helpers import add_to_cart


def customer():
    return db.session.scalar(db.select(User).where(User.email == "customer@example.com"))


def test_two_coupons_run_from_a_few_days_ago_and_points_and_tiers_are_configured(app, demo_shop):
    """WELCOME10 (10 % off a first order over ₩40,000) and FREESHIP (free shipping from
    ₩30,000) are valid today, whatever the case typed; 1 point per ₩100 worth ₩1, expiring after
    12 months; three tiers named in both languages, rising thresholds and perks."""
    now = datetime.now(timezone.utc)
    with app.app_context():
        welcome, freeship = coupons.by_code("welcome10"), coupons.by_code("FreeShip")
        assert (welcome.kind, welcome.value, welcome.min_subtotal, welcome.first_order_only) \
            == ("percent", 1000, 40_000, True)
        assert (freeship.kind, freeship.min_subtotal) == ("free_shipping", 30_000)
        for coupon in (welcome, freeship):
            assert coupon.starts_at < now < coupon.ends_at and not coupon.paused
            assert coupon.used_count == 0
        row = settings.peek()
        assert (row.earn_points, row.earn_per, row.point_value, row.points_expiry_months) \
            == (1, 100, 1, 12)
        assert row.referrals_on and row.thank_you_kind == "amount" and row.thank_you_value > 0
        tiers = settings.tiers()
        assert [t.name_en for t in tiers] == ["Friend", "Regular", "Patron"]
        assert all(t.name_ko for t in tiers)
        assert [t.min_spend for t in tiers] == sorted(t.min_spend for t in tiers)
        assert tiers[0].min_spend == 0 and tiers[-1].free_shipping and tiers[-1].early_access


def test_the_demo_customer_has_vested_and_pending_points_from_her_delivered_orders(app, demo_shop):
    """Her balances are the sum of her ledger; every line of her delivered orders earned 1 point
    per ₩100 and her tier's 10 % more; lines whose return window has closed vested (expiring 12
    months later), her recent order's are still pending; she is a Regular by her spend."""
    now = datetime.now(timezone.utc)
    with app.app_context():
        minji = customer()
        entries = points.history(minji.id)
        assert minji.points_balance == sum(e.points for e in entries) > 0
        assert minji.points_pending == sum(e.pending for e in entries) > 0
        earned = [e for e in entries if e.kind == "earned"]
        lines = [line for order in db.session.scalars(db.select(Order).where(
            Order.user_id == minji.id, Order.status == "delivered")) for line in order.lines]
        assert sorted(e.order_line_id for e in earned) == sorted(line.id for line in lines)
        for line in lines:
            entry = next(e for e in earned if e.order_line_id == line.id)
            base = line.unit_price * line.quantity // 100
            assert entry.pending == base + base // 10
            if entry.vests_at <= now:
                vested = db.session.scalar(db.select(PointsEntry).where(
                    PointsEntry.key == f"vest:{entry.id}"))
                assert entry.vested_at == entry.vests_at == vested.vested_at
                assert vested.points == -vested.pending == entry.pending
                assert vested.expires_at.year * 12 + vested.expires_at.month \
                    == vested.vested_at.year * 12 + vested.vested_at.month + 12
            else:
                assert entry.vested_at is None
        assert minji.points_balance == sum(e.pending for e in earned if e.vested_at)
        assert minji.points_pending == sum(e.pending for e in earned if not e.vested_at)
        assert minji.tier.name_en == "Regular"


def test_the_demo_codes_work_as_the_readme_says(app, demo_shop):
    """A newcomer's ₩50,000 cart: WELCOME10 takes ₩5,000, which puts the goods under the
    shop's ₩50,000 free-shipping threshold, and FREESHIP, combined with it, keeps shipping free;
    a ₩28,000 mug alone is told to add ₩2,000 for FREESHIP; the demo customer, who has ordered before, is
    told WELCOME10 is only for first orders, and her points pay."""
    from domain import cart as carts, shopconfig
    from domain.loyalty import quote
    now = datetime.now(timezone.utc)
    with app.test_request_context():
        config = shopconfig.current()
        mug = db.session.scalar(db.select(Product).where(Product.title == "Everyday Mug"))
        bowl = db.session.scalar(db.select(Product).where(Product.title == "Rice Bowl"))
        lines = carts.lines(carts.GuestCart({str(mug.variants[0].id): 1,
                                             str(bowl.variants[0].id): 1}), config.currency)
        newcomer = quote.quote(config, lines, codes=("welcome10", "freeship"),
                               email="new@example.com", now=now)
        assert newcomer.refusals == () and newcomer.codes == ("WELCOME10", "FREESHIP")
        assert (newcomer.breakdown.subtotal.amount, newcomer.breakdown.discount.amount) \
            == (50_000, 5_000)
        assert newcomer.breakdown.shipping.amount == 0
        assert quote.quote(config, lines, codes=("welcome10",), email="new@example.com",
                           now=now).breakdown.shipping.amount == 3000
        small = carts.lines(carts.GuestCart({str(mug.variants[0].id): 1}), config.currency)
        short = quote.quote(config, small, codes=("FREESHIP",), email="new@example.com",
                            now=now)
        assert [r.message for r in short.refusals] == ["Add ₩2,000 more to use this code."]
        assert short.breakdown.shipping.amount == 3000
        minji = customer()
        mine = quote.quote(config, lines, codes=("WELCOME10",), user=minji, email=minji.email,
                           use_points=True, now=now)
        assert [r.message for r in mine.refusals] == ["Only for first orders."]
        assert mine.points.spent == minji.points_balance > 0
        assert mine.breakdown.discount.amount == minji.points_balance


def test_the_demo_customer_is_offered_one_click_buying_with_her_points(app, client, demo_shop):
    """Signed in, her cart offers "Buy now" to her home address, and "Use my points"."""
    from tests.page_helpers import sign_in
    with app.app_context():
        minji = customer()
        minji.set_password("correct horse battery")
        mug = db.session.scalar(db.select(Product).where(Product.title == "Everyday Mug"))
        variant = mug.variants[0].id
        db.session.commit()
    assert sign_in(client, "customer@example.com", "correct horse battery").status_code == 303
    add_to_cart(client, variant, slug="everyday-mug")
    html = client.get("/cart").get_data(as_text=True)
    assert "Buy now: ₩31,000 to Home, bank transfer" in html
    assert "Use my points" in html
