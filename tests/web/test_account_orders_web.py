"""The account overview: the customer's own orders, newest first, paginated; and sign-in walls."""
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from domain.extensions import db
from domain.models import Order
from tests.page_helpers import csrf_token, text


def make_order(app, user_id, number, placed_at, total=12345, currency="USD", status="placed"):
    """An order row with every NOT NULL column filled, as checkout would leave it."""
    with app.app_context():
        order = Order(
            number=number, checkout_token=uuid.uuid4().hex, user_id=user_id,
            email="buyer@example.com", currency=currency, subtotal=total, shipping=0, tax=0,
            tax_included=True, tax_rate_bp=0, total=total, shipping_method_name="Standard",
            shipping_days_min=2, shipping_days_max=3, payment_method="bank_transfer",
            ship_name="Kim", ship_line1="1 Main St", ship_city="Seoul", ship_region="Domestic",
            status=status, placed_at=placed_at)
        db.session.add(order)
        db.session.commit()


def numbers_on(page):
    return re.findall(r"Order ([A-Z0-9]{3}-[A-Z0-9]{4})", page)


def test_only_the_customers_own_orders_are_listed(app, client, make, login):
    """Own orders newest first with date, status and total; another customer's are not there."""
    make.settings(timezone="Asia/Seoul")
    me, other = make.user(), make.user()
    # 20:30 UTC on 2 March is already 3 March in Seoul.
    make_order(app, me["id"], "AAA-1111", datetime(2026, 3, 2, 20, 30, tzinfo=timezone.utc),
               total=4500, status="shipped")
    make_order(app, me["id"], "BBB-2222", datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc),
               total=39000, currency="KRW")
    make_order(app, other["id"], "CCC-3333", datetime(2026, 3, 4, 9, 0, tzinfo=timezone.utc))
    login(me)
    page = text(client.get("/account/"))
    assert numbers_on(page) == ["BBB-2222", "AAA-1111"]
    assert "CCC-3333" not in page
    assert '<time datetime="2026-03-03">Mar 3, 2026</time> · Shipped · $45.00' in page
    assert "Order placed · ₩39,000" in page
    assert 'href="/orders/AAA-1111"' in page


def test_history_is_paginated_twenty_a_page(app, client, make, login):
    """Twenty orders a page; a page past the end shows the last one."""
    me = make.user()
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for n in range(23):
        make_order(app, me["id"], f"N{n:02d}-AAAA", start + timedelta(days=n))
    login(me)
    first = text(client.get("/account/"))
    assert len(numbers_on(first)) == 20 and numbers_on(first)[0] == "N22-AAAA"
    assert "Page 1 of 2" in first and 'href="/account/?page=2"' in first
    second = text(client.get("/account/?page=2"))
    assert numbers_on(second) == ["N02-AAAA", "N01-AAAA", "N00-AAAA"]
    assert numbers_on(text(client.get("/account/?page=99"))) == numbers_on(second)


def test_no_orders_yet(client, make, login):
    """With no orders the page says so, and still links to addresses, settings and sign-out."""
    login(make.user())
    page = text(client.get("/account/"))
    assert "You have no orders yet." in page
    for link in ('href="/account/addresses"', 'href="/account/settings"'):
        assert link in page
    assert 'action="/account/logout"' in page


def test_the_orders_fragment_for_htmx(app, client, make, login):
    """An htmx request for the overview gets just the orders section."""
    me = make.user()
    make_order(app, me["id"], "AAA-1111", datetime(2026, 3, 2, tzinfo=timezone.utc))
    login(me)
    response = client.get("/account/?page=1", headers={"HX-Request": "true"})
    body = text(response)
    assert body.lstrip().startswith('<section id="orders"') and "AAA-1111" in body
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("path", ["/account/", "/account/addresses", "/account/addresses/new",
                                  "/account/addresses/1/edit", "/account/settings"])
def test_account_pages_send_visitors_to_sign_in(client, path):
    """Every account page sends a visitor to sign in first."""
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")


@pytest.mark.parametrize("path", ["/account/addresses/new", "/account/addresses/1/edit",
                                  "/account/addresses/1/delete", "/account/addresses/1/default",
                                  "/account/settings", "/account/settings/email"])
def test_account_posts_send_visitors_to_sign_in(client, path):
    """Every account form sends a visitor to sign in and changes nothing."""
    response = client.post(path, data={"csrf_token": csrf_token(client, "/account/login")})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")


@pytest.mark.parametrize("path", ["/account/reset", "/account/reset/sent"])
def test_reset_pages_are_open_to_visitors(client, path):
    """Asking for a reset link needs no account session."""
    assert client.get(path).status_code == 200
