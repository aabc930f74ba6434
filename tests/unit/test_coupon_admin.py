"""The back office's coupon rules (domain/loyalty/coupon_admin.py): every field checked with its
own message and nothing saved on a wrong one, codes unique in any letter case, days in the
shop's time zone with the end day inclusive, the limit never below the uses held, batches of
single-use codes and their CSV, and the figures per coupon with given-back uses left out."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from domain import csvcells
from domain.extensions import db
from domain.loyalty import coupon_admin, coupons
from domain.models import Coupon, CouponUse, LoyaltyTier
from tests.order_helpers import NOW, place, shop_with_a_product

KRW = {"currency": "KRW", "timezone": "Asia/Seoul", "locale": "en"}
UTC = timezone.utc


def values(**changes):
    base = {"code": "SPRING-10", "name": "Spring sale", "kind": "percent", "value": "10",
            "max_discount": "", "min_subtotal": "", "starts_on": "", "ends_on": "",
            "usage_limit": "", "per_customer_limit": "", "first_order_only": False,
            "product_ids": [], "category_ids": [], "customer_email": "", "tier_id": "",
            "combine_coupons": False, "combine_points": True, "paused": False}
    base.update(changes)
    return base


def save(coupon=None, now=NOW, settings=KRW, **changes):
    return coupon_admin.save(coupon, values(**changes), now=now, **settings)


def refused(coupon=None, settings=KRW, **changes):
    with pytest.raises(coupon_admin.InvalidCoupon) as caught:
        save(coupon, settings=settings, **changes)
    db.session.rollback()
    return caught.value.errors


def count():
    return db.session.scalar(db.select(db.func.count(Coupon.id)))


def test_a_percent_coupon_is_saved_with_every_condition(ctx, make):
    product = make.product("Moon jar")
    category = make.category("Bowls")
    tier = LoyaltyTier(name_en="Gold", name_ko="골드", min_orders=3)
    db.session.add(tier)
    db.session.flush()
    coupon = save(value="12.5", max_discount="20,000", min_subtotal="50,000",
                  starts_on="2026-03-01", ends_on="2026-03-31", usage_limit="100",
                  per_customer_limit="1", first_order_only=True,
                  product_ids=[str(product["id"])], category_ids=[str(category["id"])],
                  customer_email="  Minji@Example.com ", tier_id=str(tier.id),
                  combine_coupons=True, combine_points=False)
    db.session.commit()
    stored = db.session.get(Coupon, coupon.id)
    assert (stored.code, stored.code_key, stored.kind, stored.value) == (
        "SPRING-10", "SPRING-10", "percent", 1250)
    assert (stored.max_discount, stored.min_subtotal) == (20000, 50000)
    assert (stored.usage_limit, stored.per_customer_limit) == (100, 1)
    assert stored.first_order_only is True
    assert (stored.product_ids, stored.category_ids) == ([product["id"]], [category["id"]])
    assert (stored.customer_email, stored.tier_id) == ("minji@example.com", tier.id)
    assert (stored.combine_coupons, stored.combine_points, stored.source) == (True, False, "manual")
    # Seoul is UTC+9: the first day starts at 15:00 UTC the day before.
    assert stored.starts_at == datetime(2026, 2, 28, 15, 0, tzinfo=UTC)


def test_amounts_are_read_in_the_shops_currency(ctx):
    krw = save(code="WON-5000", kind="amount", value="5,000")
    usd = save(code="USD-OFF", kind="amount", value="4.90",
               settings={"currency": "USD", "timezone": "UTC", "locale": "en"})
    free = save(code="SHIPFREE", kind="free_shipping", value="")
    assert (krw.value, usd.value, free.value, free.kind) == (5000, 490, 0, "free_shipping")
    errors = refused(code="USD-BAD", kind="amount", value="4.999",
                     settings={"currency": "USD", "timezone": "UTC", "locale": "en"})
    assert "2 decimal places" in errors["value"]
    assert "no decimal places" in refused(code="WON-BAD", kind="amount", value="10.5")["value"]


@pytest.mark.parametrize("zone, last_second", [
    ("Asia/Seoul", datetime(2026, 3, 31, 14, 59, 59, tzinfo=UTC)),
    ("America/Los_Angeles", datetime(2026, 4, 1, 6, 59, 59, tzinfo=UTC)),
])
def test_the_last_day_works_until_midnight_in_the_shops_zone(ctx, zone, last_second):
    """31 March is the last day: the code works until 23:59:59 that day in the shop's zone and
    not a second later (Los Angeles is on summer time, UTC-7, by then)."""
    coupon = save(ends_on="2026-03-31", settings={**KRW, "timezone": zone})
    assert coupon.ends_at == last_second + timedelta(seconds=1)
    assert last_second < coupon.ends_at and not coupon.ends_at <= last_second
    assert coupon_admin.state(coupon, last_second) == "active"
    assert coupon_admin.state(coupon, last_second + timedelta(seconds=1)) == "expired"
    # The form shows the day as the merchant typed it.
    assert coupon_admin.shown_days(coupon, zone) == (None, datetime(2026, 3, 31).date())


def test_every_wrong_field_has_its_own_message_and_nothing_is_saved(ctx):
    errors = refused(code="no spaces!", kind="percent", value="150", max_discount="-5",
                     min_subtotal="abc", starts_on="2026-04-02", ends_on="2026-04-01",
                     usage_limit="0", per_customer_limit="many", customer_email="not-an-email",
                     product_ids=["999"], category_ids=["998"], tier_id="997", name="x" * 121)
    assert errors == {
        "code": "A code has 3 to 40 letters, digits or dashes, with no spaces.",
        "value": "Enter a percentage from 1 to 100, e.g. 10.",
        "max_discount": "An amount cannot be negative.",
        "min_subtotal": errors["min_subtotal"],
        "ends_on": "The last day cannot be before the first day.",
        "usage_limit": "Enter how many orders may use the code in all (a whole number from 1), "
                       "or leave it empty for no limit.",
        "per_customer_limit": "Enter how many times one customer may use the code (from 1 to "
                              "1000), or leave it empty for no limit.",
        "customer_email": "Enter the customer's email address, like name@example.com, or leave "
                          "it empty for everyone.",
        "product_ids": "A chosen product no longer exists: choose again.",
        "category_ids": "A chosen category no longer exists: choose again.",
        "tier_id": "That tier no longer exists: choose another.",
        "name": "Keep the name to 120 characters.",
    }
    assert "abc" in errors["min_subtotal"]
    assert refused(code="")["code"] == "Enter a code, e.g. SPRING-10."
    assert refused(code="AB")["code"].startswith("A code has 3 to 40")
    assert refused(code="X" * 41)["code"].startswith("A code has 3 to 40")
    assert refused(kind="gift")["kind"].startswith("Choose what the coupon gives")
    assert refused(kind="amount", value="")["value"] == "Enter the amount taken off, e.g. 39,000."
    assert refused(value="0.5")["value"] == "Enter a percentage from 1 to 100, e.g. 10."
    assert refused(starts_on="31/03/2026")["starts_on"] == "Enter a date like 2026-03-31."
    assert refused(starts_on="0001-01-01")["starts_on"] == "Enter a date like 2026-03-31."
    assert refused(ends_on="9999-12-31")["ends_on"] == "Enter a date like 2026-03-31."
    assert refused(max_discount="0")["max_discount"].startswith("Leave the largest discount")
    assert count() == 0
    assert save(value="100").value == 10000
    assert save(code="TWELVE", value="12,5 %").value == 1250


def test_a_code_taken_in_another_letter_case_is_refused(ctx):
    save(code="Spring-10")
    db.session.commit()
    assert refused(code="SPRING-10")["code"] == (
        "The code Spring-10 is taken (codes ignore letter case): choose another.")
    assert refused(code="spring-10")["code"].startswith("The code Spring-10 is taken")
    assert count() == 1
    # Saving the coupon itself again, in another case, is no clash.
    coupon = db.session.scalar(db.select(Coupon))
    assert save(coupon, code="SPRING-10").code_key == "SPRING-10"


def test_a_used_coupons_limit_cannot_go_below_its_uses(ctx):
    coupon = save(usage_limit="10")
    coupon.used_count = 4
    db.session.commit()
    errors = refused(coupon, usage_limit="3")
    assert errors["usage_limit"] == ("This code has been used 4 times already: the limit cannot "
                                     "be lower than that.")
    assert db.session.get(Coupon, coupon.id).usage_limit == 10
    assert save(db.session.get(Coupon, coupon.id), usage_limit="4").usage_limit == 4


def test_a_use_taken_while_the_limit_is_typed_keeps_the_limit_above_the_uses(ctx):
    """Two orders take uses after the edit page was read (used_count 4 -> 6): a limit of 5 is
    refused with the uses counted now, not saved."""
    coupon = save(usage_limit="10")
    coupon.used_count = 4
    db.session.commit()
    coupon = db.session.get(Coupon, coupon.id)
    assert coupon.used_count == 4
    db.session.execute(db.update(Coupon).where(Coupon.id == coupon.id)
                       .values(used_count=Coupon.used_count + 2)
                       .execution_options(synchronize_session=False))
    errors = refused(coupon, usage_limit="5")
    assert errors == {"usage_limit": "This code has been used 6 times already: the limit "
                                     "cannot be lower than that."}
    assert db.session.get(Coupon, coupon.id).usage_limit == 10


def test_unchanged_days_keep_an_issued_codes_own_instants(ctx):
    """A code the shop issued ends mid-day; saving its form with the day unchanged keeps it."""
    coupon = save()
    coupon.ends_at = datetime(2026, 4, 2, 3, 30, tzinfo=UTC)
    db.session.flush()
    start, end = coupon_admin.shown_days(coupon, "Asia/Seoul")
    assert save(coupon, ends_on=end.isoformat()).ends_at == datetime(2026, 4, 2, 3, 30, tzinfo=UTC)


def test_pause_and_resume(ctx):
    coupon = save()
    coupon_admin.set_paused(coupon, True, NOW)
    assert coupon.paused and coupon_admin.state(coupon, NOW) == "paused"
    coupon_admin.set_paused(coupon, False, NOW)
    assert not coupon.paused and coupon_admin.state(coupon, NOW) == "active"


def batch(count=25, prefix="fair", name="fair-2026", **changes):
    return coupon_admin.generate_batch(values(**changes), count=count, prefix=prefix, batch=name,
                                       now=NOW, **KRW)


def test_a_batch_of_codes(ctx):
    made = coupon_admin.generate_batch(
        values(kind="amount", value="3,000", min_subtotal="30,000", ends_on="2026-12-31",
               name='=HYPERLINK("http://evil.example","Click")'),
        count="300", prefix="fair", batch="fair-2026", now=NOW, **KRW)
    db.session.commit()
    assert made == 300
    codes = db.session.scalars(db.select(Coupon).where(Coupon.batch == "fair-2026")).all()
    assert len({c.code_key for c in codes}) == 300
    assert all(c.code.startswith("FAIR-") and len(c.code) == 13 for c in codes)
    assert {(c.source, c.usage_limit, c.per_customer_limit, c.kind, c.value, c.min_subtotal)
            for c in codes} == {("batch", 1, 1, "amount", 3000, 30000)}
    codes[0].used_count = 1
    db.session.flush()
    header, rows = coupon_admin.batch_csv("fair-2026")
    text = "".join(csvcells.lines(header, rows)).lstrip(csvcells.BOM)
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["Code", "Name", "Status"] and len(table) == 301
    # The name a spreadsheet would run as a formula is written as text.
    assert {row[1] for row in table[1:]} == {'\'=HYPERLINK("http://evil.example","Click")'}
    statuses = {row[0]: row[2] for row in table[1:]}
    assert statuses[codes[0].code] == "used"
    assert list(statuses.values()).count("unused") == 299
    assert coupon_admin.batch_csv("no-such-batch") is None


def test_a_batch_is_refused_whole_on_any_wrong_field(ctx):
    batch(count=2, name="fair-2026")
    db.session.commit()
    for number in ("0", "1001", "", "ten"):
        with pytest.raises(coupon_admin.InvalidCoupon) as caught:
            batch(count=number, name="other")
        assert caught.value.errors == {"count": "Enter how many codes to make, from 1 to 1000."}
    with pytest.raises(coupon_admin.InvalidCoupon) as caught:
        batch(count=5, prefix="no spaces", name="fair-2026", value="0")
    assert caught.value.errors == {
        "prefix": "A prefix has up to 20 letters, digits or dashes, with no spaces.",
        "batch": "A batch with this name exists already: choose another name.",
        "value": "Enter a percentage from 1 to 100, e.g. 10."}
    with pytest.raises(coupon_admin.InvalidCoupon) as caught:
        batch(count=5, name="fair 2026!")
    assert caught.value.errors["batch"].startswith("Name the batch with 1 to 40 letters")
    db.session.rollback()
    assert count() == 2


def use(coupon, order, amount, released=False):
    db.session.add(CouponUse(coupon_id=coupon.id, order_id=order["id"], code=coupon.code,
                             email="minji@example.com", amount=amount,
                             released_at=NOW if released else None))


def test_figures_leave_out_given_back_uses_in_two_queries(app, make, count_queries):
    setup = shop_with_a_product(make)
    first, second, third = (place(app, setup, email=f"c{n}@example.com") for n in range(3))
    with app.app_context():
        spring = save(code="SPRING")
        summer = save(code="SUMMER", paused=True)
        save(code="WINTER", ends_on="2026-02-01")
        coupon_admin.generate_batch(values(), count=3, prefix="", batch="b1", now=NOW, **KRW)
        thanks = coupons.issue("thank-you:1", source="thank_you", kind="amount", value=2000,
                               now=NOW, prefix="THANKS")
        use(spring, first, 3900)
        use(spring, second, 3900)
        use(spring, third, 3900, released=True)
        use(summer, third, 1000)
        db.session.commit()
        with count_queries() as queries:
            listed = coupon_admin.listing("all", 1, NOW)
        assert len(queries) == 2
        figures = {row.coupon.code: row.figures for row in listed.items}
        # Batch codes and codes the shop issued are not in the main list; each order totals
        # 39,000 + 3,000 shipping.
        assert set(figures) == {"SPRING", "SUMMER", "WINTER"}
        assert figures["SPRING"] == coupon_admin.Figures(uses=2, revenue=84000, discount=7800)
        assert figures["SUMMER"] == coupon_admin.Figures(1, 42000, 1000)
        assert figures["WINTER"] == coupon_admin.Figures(0, 0, 0)
        assert coupon_admin.figures(spring) == figures["SPRING"]
        assert [r.coupon.code for r in coupon_admin.listing("active", 1, NOW).items] == ["SPRING"]
        assert [r.coupon.code for r in coupon_admin.listing("paused", 1, NOW).items] == ["SUMMER"]
        assert [r.coupon.code for r in coupon_admin.listing("expired", 1, NOW).items] == ["WINTER"]
        assert [r.coupon.code for r in coupon_admin.listing("issued", 1, NOW).items] == [
            thanks.code]
        [listed_batch] = coupon_admin.batches().items
        assert (listed_batch.name, listed_batch.codes, listed_batch.used) == ("b1", 3, 0)
        report = coupon_admin.orders(spring)
        assert report.total == 3
        assert sorted((order.number, use_row.released_at is not None, use_row.amount)
                      for use_row, order in report.items) == sorted(
            [(first["number"], False, 3900), (second["number"], False, 3900),
             (third["number"], True, 3900)])


def test_the_list_pages_by_fifty_with_each_pages_figures(app, make):
    setup = shop_with_a_product(make)
    order = place(app, setup)
    with app.app_context():
        made = [save(code=f"CODE-{n:02d}", now=NOW + timedelta(minutes=n)) for n in range(51)]
        use(made[0], order, 1500)
        use(made[50], order, 2500)
        db.session.commit()
        first = coupon_admin.listing("all", 1, NOW)
        second = coupon_admin.listing("all", 2, NOW)
        assert (first.total, first.pages, len(first.items), len(second.items)) == (51, 2, 50, 1)
        assert first.items[0].coupon.code == "CODE-50" and second.items[0].coupon.code == "CODE-00"
        assert first.items[0].figures == coupon_admin.Figures(1, 42000, 2500)
        assert second.items[0].figures == coupon_admin.Figures(1, 42000, 1500)
        assert {row.figures for row in first.items[1:]} == {coupon_admin.Figures()}
