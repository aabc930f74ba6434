"""/account/rewards shows the signed-in customer's own points, pending and available, when the
next ones vest, the ledger, the tier and what the next one needs, and writes nothing; the
owner's points and tiers settings refuse each wrong field on its own; the points policy states
the live settings; a product in early access shows when it opens instead of a buy button."""
from datetime import timedelta

from domain.extensions import db
from domain.loyalty import earning, settings as loyalty_settings
from domain.models import LoyaltySettings, LoyaltyTier, PointsEntry, Product, User
from tests.order_helpers import NOW, delivered_order
from tests.page_helpers import text

CLOSES = NOW.replace(hour=0) + timedelta(days=31)


def points_on(app, **values):
    with app.test_request_context():
        config = loyalty_settings.get()
        config.earn_points, config.earn_per, config.point_value = 1, 100, 1
        for key, value in values.items():
            setattr(config, key, value)
        db.session.add_all([
            LoyaltyTier(name_en="Member", name_ko="멤버", position=0),
            LoyaltyTier(name_en="Gold", name_ko="골드", min_spend=140000, extra_points_bp=1000,
                        free_shipping=True, early_access=True, position=1)])
        db.session.commit()


def snapshot(app):
    """Every ledger row and balance, to show a page view changed nothing."""
    with app.app_context():
        db.session.expire_all()
        return ([(e.id, e.kind, e.points, e.pending, e.vested_at) for e in
                 db.session.scalars(db.select(PointsEntry).order_by(PointsEntry.id))],
                [(u.id, u.points_balance, u.points_pending, u.tier_id) for u in
                 db.session.scalars(db.select(User).order_by(User.id))])


def test_rewards_show_only_the_customers_own_points(app, client, setup, make, login):
    points_on(app)
    minji = make.user("minji@example.com")
    jiwoo = make.user("jiwoo@example.com")
    mine = delivered_order(app, setup, user_id=minji["id"], quantity=2)
    theirs = delivered_order(app, setup, user_id=jiwoo["id"], email="jiwoo@example.com")
    with app.test_request_context():
        earning.vest_due(CLOSES)  # Minji's 780 and Jiwoo's 390 vest
        delivered_order(app, setup, user_id=minji["id"], token="later")  # 390 pending
        db.session.commit()
    login(minji)
    before = snapshot(app)
    response = client.get("/account/rewards")
    page = text(response)
    assert response.status_code == 200
    assert "780 points available" in page and "(worth ₩780 at checkout)" in page
    assert "390 points pending" in page
    assert "The next 390 points become available on Apr 3, 2026" in page
    assert mine["number"] in page and theirs["number"] not in page
    assert "Now available" in page and "Pending until Apr 3, 2026" in page
    # ₩123,000 paid in 12 months: a Member, ₩17,000 from Gold.
    assert "You are a Member member." in page
    assert "₩17,000 more spent in 12 months reaches Gold." in page
    assert "Points do not expire." in page
    assert snapshot(app) == before


def test_rewards_need_signing_in_and_speak_korean(app, client, setup, make, login):
    assert client.get("/account/rewards").status_code in (302, 303)
    points_on(app, points_expiry_months=12)
    user = make.user("minji@example.com")
    delivered_order(app, setup, user_id=user["id"])
    login(user)
    page = text(client.get("/account/rewards", headers={"Accept-Language": "ko"}))
    assert "적립 예정 포인트 390" in page and "골드 등급이 됩니다" in page
    assert "12개월이 지나면 소멸되며" in page


def test_the_ledger_is_paginated(app, client, setup, make, login):
    points_on(app)
    user = make.user("minji@example.com")
    with app.app_context():
        db.session.add_all([PointsEntry(user_id=user["id"], kind="bonus", points=1,
                                        note=f"Bonus {n}", key=f"b{n}",
                                        created_at=NOW + timedelta(minutes=n)) for n in range(25)])
        db.session.commit()
    login(user)
    first = text(client.get("/account/rewards"))
    assert "Bonus 24" in first and "Bonus 4" not in first and "Page 1 of 2" in first
    second = text(client.get("/account/rewards?page=2"))
    assert "Bonus 4" in second and "Bonus 24" not in second


def settings_row(app):
    with app.app_context():
        db.session.expire_all()
        row = db.session.get(LoyaltySettings, 1)
        return None if row is None else (row.earn_points, row.earn_per, row.point_value,
                                         row.points_expiry_months, row.tier_basis)


def test_owner_saves_points_settings_and_each_wrong_field_is_named(app, client, setup, merchant,
                                                                  post):
    assert client.get("/admin/loyalty/points").status_code == 200
    assert settings_row(app) is None  # the page view made nothing
    bad = post("/admin/loyalty/points", {"earn_points": "-1", "earn_per": "0",
                                         "point_value": "abc", "points_expiry_months": "500",
                                         "tier_basis": "visits"})
    page = text(bad)
    assert bad.status_code == 422
    for message in ("Enter the points earned as a whole number",
                    "Enter the amount paid that earns those points",
                    "Enter the months until points expire",
                    "Choose whether tiers count orders or spend"):
        assert message in page
    assert settings_row(app) is None
    good = post("/admin/loyalty/points", {"earn_points": "1", "earn_per": "1,000",
                                          "point_value": "5", "points_expiry_months": "12",
                                          "tier_basis": "orders"})
    assert good.status_code == 303
    assert settings_row(app) == (1, 1000, 5, 12, "orders")
    policy = text(client.get("/policies/points"))
    assert "earn 1 point for every ₩1,000" in policy and "worth ₩5" in policy
    assert "Points expire 12 months after they become available" in policy


def test_owner_adds_edits_and_deletes_a_tier(app, client, setup, merchant, post):
    bad = post("/admin/loyalty/points/tiers/new", {"name_en": "", "min_spend": "lots"})
    assert bad.status_code == 422 and "Enter the tier&#39;s name in English." in bad.get_data(
        as_text=True)
    assert post("/admin/loyalty/points/tiers/new", {
        "name_en": "Gold", "name_ko": "골드", "min_orders": "3", "min_spend": "100,000",
        "extra_percent": "10", "birthday_points": "500", "early_access": "y"}).status_code == 303
    with app.app_context():
        tier = db.session.scalar(db.select(LoyaltyTier))
        tier_id = tier.id
        assert (tier.name_ko, tier.min_spend, tier.extra_points_bp, tier.early_access) \
            == ("골드", 100000, 1000, True)
    assert 'value="100,000"' in client.get(f"/admin/loyalty/points/tiers/{tier_id}").get_data(
        as_text=True)
    assert post(f"/admin/loyalty/points/tiers/{tier_id}", {
        "name_en": "Platinum", "min_orders": "5", "min_spend": "0"}).status_code == 303
    page = text(client.get("/admin/loyalty/points"))
    assert "Platinum" in page and "Gold" not in page
    assert post(f"/admin/loyalty/points/tiers/{tier_id}/delete").status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(LoyaltyTier.id))) == 0


def test_staff_cannot_open_the_points_settings(client, make, login):
    login(make.user(email="clerk@example.com", role="staff"))
    assert client.get("/admin/loyalty/points").status_code == 403


def test_an_early_access_product_shows_when_it_opens_instead_of_a_buy_button(
        app, client, setup, make, login):
    points_on(app)
    with app.app_context():
        product = db.session.scalar(db.select(Product))
        product.early_access_until = NOW.replace(hour=0) + timedelta(days=2)
        slug = product.slug
        db.session.commit()
    page = text(client.get(f"/products/{slug}"))
    assert "Early access for Gold members until 4 March" in page and "Add to cart" not in page
    refused = client.post("/cart/add", data={"variant_id": setup["variant"], "product": slug,
                                             "csrf_token": _token(page)})
    assert refused.status_code == 422 and "Early access for Gold members" in text(refused)
    gold = make.user("gold@example.com")
    with app.app_context():
        db.session.get(User, gold["id"]).tier_id = db.session.scalar(
            db.select(LoyaltyTier.id).where(LoyaltyTier.name_en == "Gold"))
        db.session.commit()
    login(gold)
    page = text(client.get(f"/products/{slug}"))
    assert "Add to cart" in page and "Early access for" not in page
    # Once early access is over, everyone may buy it.
    app.config["CLOCK"] = lambda: NOW + timedelta(days=2)
    client.post("/account/logout", data={"csrf_token": _token(page)})
    assert "Add to cart" in text(client.get(f"/products/{slug}"))


def _token(html):
    from tests.page_helpers import csrf_of
    return csrf_of(html)


def test_owner_marks_a_product_for_early_access_through_its_last_day(app, client, make, merchant,
                                                                       post):
    """In Seoul, early access through 4 March ends at midnight starting 5 March there (15:00
    UTC on 4 March), and the form shows the day back; emptied, it is for everyone again."""
    from tests.web.test_admin_products import product_form
    make.settings(timezone="Asia/Seoul", currency="KRW")
    assert post("/admin/products/new", product_form(early_access_until="2026-03-04")) \
        .status_code == 303
    with app.app_context():
        product = db.session.scalar(db.select(Product))
        product_id = product.id
        assert product.early_access_until.isoformat() == "2026-03-04T15:00:00+00:00"
    url = f"/admin/products/{product_id}/edit"
    assert 'value="2026-03-04"' in client.get(url).get_data(as_text=True)
    with app.app_context():
        variant_ids = [str(v.id) for v in db.session.get(Product, product_id).variants]
    assert post(url, product_form(**{"variants-0-id": variant_ids[0],
                                     "variants-1-id": variant_ids[1],
                                     "early_access_until": ""})).status_code == 303
    with app.app_context():
        assert db.session.get(Product, product_id).early_access_until is None
