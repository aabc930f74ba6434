"""The coupons pages of the back office: the owner makes, edits, pauses and reports on coupons
and batches of single-use codes through plain forms; a wrong field is named next to it with
nothing saved; staff are refused every coupon page."""
import csv
import io
import re
from datetime import datetime, timezone

import pytest

from domain import csvcells
from domain.extensions import db
from domain.models import Coupon, CouponUse
from tests.order_helpers import NOW, place
from tests.page_helpers import csrf_token, text

FORM = {"code": "Spring-10", "name": "Spring sale", "kind": "percent", "value": "10",
        "max_discount": "5,000", "min_subtotal": "30,000", "starts_on": "2026-03-01",
        "ends_on": "2026-03-31", "usage_limit": "100", "per_customer_limit": "1",
        "customer_email": "", "tier_id": "", "combine_points": "y"}


def coupons(app):
    with app.app_context():
        return {c.code: (c.kind, c.value, c.paused, c.ends_at, c.usage_limit)
                for c in db.session.scalars(db.select(Coupon))}


@pytest.fixture
def seoul(app, setup, make):
    make.settings(timezone="Asia/Seoul")
    return setup


def test_the_owner_makes_a_coupon_and_reads_it_back(app, client, post, merchant, seoul):
    assert 'href="/admin/coupons"' in text(client.get("/admin/"))
    page = text(client.get("/admin/coupons/new"))
    assert '<label for="code">Code</label>' in page and 'type="date"' in page
    response = post("/admin/coupons/new", FORM, token_from="/admin/coupons/new")
    assert response.status_code == 303
    [(kind, value, paused, ends_at, limit)] = coupons(app).values()
    # The last day ends at midnight in Seoul: 15:00 UTC.
    assert (kind, value, paused, limit) == ("percent", 1000, False, 100)
    assert ends_at == datetime(2026, 3, 31, 15, 0, tzinfo=timezone.utc)
    listing = text(client.get("/admin/coupons"))
    assert "Spring-10" in listing and "Spring sale" in listing and "Working" in listing
    with app.app_context():
        coupon_id = db.session.scalar(db.select(Coupon.id))
    edit = text(client.get(f"/admin/coupons/{coupon_id}"))
    assert 'value="2026-03-31"' in edit and 'value="2026-03-01"' in edit
    assert 'value="5,000"' in edit and 'value="30,000"' in edit
    # Saved again unchanged, nothing moves.
    assert post(f"/admin/coupons/{coupon_id}", FORM,
                token_from=f"/admin/coupons/{coupon_id}").status_code == 303
    assert list(coupons(app).values())[0][3] == ends_at


def test_a_wrong_form_names_each_field_and_saves_nothing(app, client, post, merchant, seoul):
    post("/admin/coupons/new", FORM, token_from="/admin/coupons/new")
    response = post("/admin/coupons/new",
                    {**FORM, "code": "SPRING-10", "value": "120", "usage_limit": "-1",
                     "ends_on": "2026-02-01", "customer_email": "nobody"},
                    token_from="/admin/coupons/new")
    assert response.status_code == 422
    page = text(response)
    assert "Nothing was saved yet" in page
    for field, message in (
            ("code", "The code Spring-10 is taken (codes ignore letter case): choose another."),
            ("value", "Enter a percentage from 1 to 100, e.g. 10."),
            ("ends_on", "The last day cannot be before the first day."),
            ("customer_email", "Enter the customer&#39;s email address")):
        assert f'<p class="error" id="{field}-error" role="alert">{message}' in page, field
        assert re.search(f'aria-describedby="[^"]*{field}-error" aria-invalid="true"', page), field
    assert 'id="usage_limit-error"' in page
    # What was typed is shown again.
    assert 'value="120"' in page and 'value="nobody"' in page
    assert list(coupons(app)) == ["Spring-10"]


def test_a_post_without_the_form_token_changes_nothing(app, client, post, merchant, seoul):
    post("/admin/coupons/new", FORM, token_from="/admin/coupons/new")
    with app.app_context():
        coupon_id = db.session.scalar(db.select(Coupon.id))
    assert client.post(f"/admin/coupons/{coupon_id}/pause").status_code == 400
    assert client.post("/admin/coupons/new", data={**FORM, "code": "OTHER"}).status_code == 400
    assert list(coupons(app)) == ["Spring-10"] and not coupons(app)["Spring-10"][2]


def test_pause_resume_and_the_orders_report(app, client, post, merchant, seoul):
    post("/admin/coupons/new", FORM, token_from="/admin/coupons/new")
    kept = place(app, seoul, email="kept@example.com")
    cancelled = place(app, seoul, email="gone@example.com")
    with app.app_context():
        coupon = db.session.scalar(db.select(Coupon))
        coupon_id = coupon.id
        for order, released in ((kept, None), (cancelled, NOW)):
            db.session.add(CouponUse(coupon_id=coupon.id, order_id=order["id"],
                                     code=coupon.code, email="x@example.com", amount=3900,
                                     released_at=released))
        db.session.commit()
    assert post(f"/admin/coupons/{coupon_id}/pause", token_from="/admin/coupons"
                ).status_code == 303
    assert coupons(app)["Spring-10"][2] is True
    assert "Paused" in text(client.get("/admin/coupons?view=paused"))
    assert "Spring-10" not in text(client.get("/admin/coupons?view=active"))
    assert post(f"/admin/coupons/{coupon_id}/resume", {"back": "edit"},
                token_from="/admin/coupons").headers["Location"].endswith(
        f"/admin/coupons/{coupon_id}")
    assert coupons(app)["Spring-10"][2] is False
    listing = text(client.get("/admin/coupons"))
    # One use held (the cancelled order gave its use back): ₩42,000 revenue, ₩3,900 given.
    assert "1 / 100" in listing and "₩42,000" in listing and "₩3,900" in listing
    report = text(client.get(f"/admin/coupons/{coupon_id}/orders"))
    assert kept["number"] in report and cancelled["number"] in report
    assert report.count("(use given back)") == 1 and "Used by 1 order" in report
    assert "kept@example.com" in report


def test_a_batch_of_codes_and_its_csv(app, client, post, merchant, seoul):
    response = post("/admin/coupons/batch",
                    {"batch": "fair-2026", "count": "40", "prefix": "fair", "kind": "amount",
                     "value": "3,000", "name": "=cmd|' /C calc'!A0", "combine_points": "y"},
                    token_from="/admin/coupons/batch")
    assert response.status_code == 303
    assert len(coupons(app)) == 40
    listing = text(client.get("/admin/coupons?view=batches"))
    assert "fair-2026" in listing and "0 of 40" in listing
    assert "FAIR-" not in text(client.get("/admin/coupons"))
    download = client.get("/admin/coupons/batch/fair-2026.csv")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="coupons-fair-2026.csv"'
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip(csvcells.BOM))))
    assert rows[0] == ["Code", "Name", "Status"] and len(rows) == 41
    assert {row[1] for row in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    assert {row[2] for row in rows[1:]} == {"unused"}
    assert client.get("/admin/coupons/batch/nothing.csv").status_code == 404
    again = post("/admin/coupons/batch", {"batch": "fair-2026", "count": "1001", "kind": "percent",
                                          "value": "10"}, token_from="/admin/coupons/batch")
    assert again.status_code == 422
    page = text(again)
    assert "A batch with this name exists already" in page
    assert "Enter how many codes to make, from 1 to 1000." in page
    assert len(coupons(app)) == 40


def test_staff_are_refused_every_coupon_page(app, client, make, login, seoul):
    owner = make.user(email="boss@example.com", merchant=True)
    login(owner)
    token = csrf_token(client, "/admin/coupons/new")
    client.post("/admin/coupons/new", data={**FORM, "csrf_token": token})
    client.post("/admin/coupons/batch", data={"batch": "b1", "count": "2", "kind": "percent",
                                              "value": "5", "csrf_token": token})
    with app.app_context():
        coupon_id = db.session.scalar(db.select(Coupon.id).where(Coupon.code == "Spring-10"))
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(make.user(email="clerk@example.com", role="staff"))
    token = csrf_token(client, "/admin/orders")
    assert 'href="/admin/coupons"' not in text(client.get("/admin/orders"))
    for path in ("/admin/coupons", "/admin/coupons?view=batches", "/admin/coupons/new",
                 f"/admin/coupons/{coupon_id}", f"/admin/coupons/{coupon_id}/orders",
                 "/admin/coupons/batch", "/admin/coupons/batch/b1.csv"):
        assert client.get(path).status_code == 403, path
    for path in ("/admin/coupons/new", f"/admin/coupons/{coupon_id}",
                 f"/admin/coupons/{coupon_id}/pause", "/admin/coupons/batch"):
        response = client.post(path, data={**FORM, "code": "STAFF", "usage_limit": "1",
                                           "batch": "b2", "count": "5", "csrf_token": token})
        assert response.status_code == 403, path
    assert set(coupons(app)) == {"Spring-10"} | {c for c in coupons(app) if c != "Spring-10"}
    assert "STAFF" not in coupons(app) and len(coupons(app)) == 3
    assert coupons(app)["Spring-10"][2] is False and coupons(app)["Spring-10"][4] == 100


def test_the_pages_speak_korean(client, post, merchant, seoul):
    client.set_cookie("locale", "ko")
    page = text(client.get("/admin/coupons/new", headers={"Accept-Language": "ko"}))
    assert "쿠폰 저장" in page and "상점 시간대 기준" in page
    response = post("/admin/coupons/new", {**FORM, "code": "ab"}, token_from="/admin/coupons/new",
                    headers={"Accept-Language": "ko"})
    assert response.status_code == 422
    assert "코드는 공백 없이 영문자, 숫자, 대시(-)로 3~40자여야 해요." in text(response)
