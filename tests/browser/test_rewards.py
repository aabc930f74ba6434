"""The rewards page on a phone: balances, tier and ledger found by role, audit clean, and the
ledger's next page swapped in place."""
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from domain.extensions import db
from domain.loyalty import settings as loyalty_settings
from domain.models import LoyaltyTier, PointsEntry, User
from tests.browser_helpers import sign_in

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)


def test_rewards_page_reads_well_and_pages_its_ledger(app, make, phone, live_server,
                                                      axe_violations):
    make.settings(name="Moonjar Studio", currency="KRW")
    user = make.user("min@example.com", password="correct horse battery")
    with app.app_context():
        config = loyalty_settings.get()
        config.earn_points, config.earn_per, config.points_expiry_months = 1, 100, 12
        gold = LoyaltyTier(name_en="Gold", name_ko="골드", extra_points_bp=1000,
                           free_shipping=True, position=1)
        db.session.add_all([gold, LoyaltyTier(name_en="Platinum", min_spend=500000, position=2)])
        db.session.flush()
        customer = db.session.get(User, user["id"])
        customer.tier_id, customer.points_balance = gold.id, 25
        db.session.add_all([PointsEntry(user_id=user["id"], kind="bonus", points=1,
                                        note=f"Welcome gift {n}", key=f"gift-{n}",
                                        created_at=NOW + timedelta(minutes=n))
                            for n in range(25)])
        db.session.commit()
    page = phone
    sign_in(page, live_server, user)
    page.goto(live_server + "/account/")
    page.get_by_role("link", name="Rewards").click()
    expect(page.get_by_role("heading", name="Your rewards")).to_be_visible()
    expect(page.get_by_text("25 points available")).to_be_visible()
    expect(page.get_by_text("You are a Gold member.")).to_be_visible()
    expect(page.get_by_text("Free shipping")).to_be_visible()
    expect(page.get_by_role("row", name="Bonus · Welcome gift 24")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("row", name="Bonus · Welcome gift 0")).to_be_visible()
    expect(page.get_by_role("heading", name="Your rewards")).to_have_count(1)
    assert axe_violations(page, "#ledger") == []
