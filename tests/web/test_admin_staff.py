"""Owners and staff in the back office: what staff may open (every /admin address walked), the
invitation by emailed link, role changes, the last owner kept and access taken away."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from blueprints import backoffice, mail
from domain.extensions import db
from domain.models import OutboxMessage, ShopSettings, StaffInvitation, User
from tests.order_helpers import NOW
from tests.page_helpers import csrf_token, sign_in, text

# What staff may open in the back office, by endpoint (the inbox's own pages are added by
# address, whatever their endpoints are called): a page moving in or out of this list is a
# decision about who may do what, so it is made here on purpose.
STAFF_ENDPOINTS = {
    "admin.dashboard", "admin.orders", "admin.order", "admin.order_goodwill",
    "admin.packing_slip", "admin.order_refund_sent", "admin.order_status", "admin.orders_bulk",
    "admin.returns", "admin.return_detail", "admin.return_approve", "admin.return_complete",
    "admin.return_receive", "admin.return_reject", "admin.return_insights",
    "admin.customers", "admin.customer", "admin.checkouts", "admin.checkout_chat",
    "admin.inbox", "admin.conversation", "admin.conversation_reply", "admin.conversation_note",
    "admin.conversation_assign", "admin.conversation_status", "admin.inbox_poll",
    "admin.conversation_poll",
    "admin.saved_replies", "admin.saved_reply_add", "admin.saved_reply_edit",
    "admin.saved_reply_delete", "admin.saved_reply_up",
    "admin.saved_reply_down",
    "admin.reviews", "admin.review_publish", "admin.review_hide", "admin.review_reply",
    "admin.referrals_page",
}
# Owner-only pages, one per area, GET and POST.
OWNER_AREAS = {
    "/admin/settings": "/admin/settings/shipping",
    "/admin/returns/rules": "/admin/returns/rules/shop",
    "/admin/policies/privacy": "/admin/policies/privacy",
    "/admin/products/new": "/admin/products/new", "/admin/categories": "/admin/categories",
    "/admin/imports": "/admin/imports", "/admin/staff": "/admin/staff/invite",
    "/admin/outbox": None, "/admin/privacy": None, "/admin/exports/orders.csv": None,
    "/admin/exports/products.csv": None, "/admin/exports/customers.csv": None,
    "/admin/faq": "/admin/faq/new", "/admin/settings/hours": None,
    "/admin/satisfaction": None,
    "/admin/reviews/settings": "/admin/reviews/settings", "/admin/changes": "/admin/changes/new",
    "/admin/testimonials": "/admin/testimonials",
    "/admin/loyalty/codes": "/admin/loyalty/codes",
    "/admin/referrals/settings": "/admin/referrals/settings",
    "/admin/coupons": "/admin/coupons/new",
    "/admin/campaigns": "/admin/campaigns/new",
    "/admin/loyalty/points": "/admin/loyalty/points/tiers/new",
    "/admin/brand": "/admin/brand", "/admin/cause": "/admin/cause/donations",
    "/admin/newsletter": "/admin/newsletter/settings",
    # "Goes well with" and the recommendation settings are the catalogue's: the owner's.
    "/admin/products/1/goes-well": "/admin/products/1/goes-well/settings",
    "/admin/converts": "/admin/converts/1/feature",
}
# Values for the variable parts of the addresses walked.
SAMPLE_ARGS = {"id": "1", "number": "ABC-DEFG", "name": "privacy", "scope": "shop",
               "key": "u1", "token": "x",
               "reference": "C-ABCDEFG", "reply_id": "1", "lang": "en"}


@pytest.fixture
def owner(make, login):
    user = make.user(email="boss@example.com", merchant=True, name="Boss")
    login(user)
    return user


@pytest.fixture
def staff_member(make, login):
    user = make.user(email="clerk@example.com", role="staff", name="Clerk")
    login(user)
    return user


def invitations(app):
    with app.app_context():
        return [(i.email, i.role, i.accepted_at is not None, i.revoked_at is not None)
                for i in db.session.scalars(db.select(StaffInvitation).order_by(StaffInvitation.id))]


def outbox(app, kind="staff_invitation"):
    with app.app_context():
        return [(m.id, m.to_address, m.locale, dict(m.data)) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))]


def role_of(app, email):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        return (user.is_merchant, user.staff_role)


def invite(post, email, role="staff", language="en"):
    return post("/admin/staff/invite", {"email": email, "role": role, "language": language},
                token_from="/admin/staff")


def link_path(app, email):
    [*_, (_id, _to, _locale, data)] = [m for m in outbox(app) if m[1] == email]
    return urlsplit(data["url"]).path


def _send(client, method, url, token):
    """The answer's status, the body read and closed (a streamed CSV holds its request open)."""
    response = (client.get(url) if method == "GET"
                else client.post(url, data={"csrf_token": token}))
    response.get_data()
    response.close()
    return response.status_code


def _url(rule):
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: SAMPLE_ARGS.get(
        m.group(1).split("_")[-1], "1"), rule.rule)


def test_staff_are_refused_every_owner_area_and_nothing_changes(app, client, post, staff_member):
    """Settings, shipping, return rules, policies, products, categories, imports, staff,
    emails, personal data and exports answer 403 to staff, for reading and for posting."""
    for page, action in OWNER_AREAS.items():
        assert client.get(page).status_code == 403, page
        if action:
            response = post(action, {"name": "Taken over", "email": "x@example.com",
                                     "role": "owner"}, token_from="/admin/orders")
            assert response.status_code == 403, action
    with app.app_context():
        row = db.session.get(ShopSettings, 1)
        assert row is None or row.name != "Taken over"
    assert invitations(app) == []


def test_staff_use_orders_returns_customers_and_read_the_dashboard(client, staff_member, setup):
    for page in ("/admin/", "/admin/orders", "/admin/returns", "/admin/returns/insights",
                 "/admin/customers", "/admin/customers?q=kim"):
        assert client.get(page).status_code == 200, page


def test_every_back_office_address_is_open_to_staff_or_refused(app, client, staff_member, setup):
    """Every registered /admin address, GET and POST: staff get in where the rule says and a
    403 everywhere else; the addresses open to staff are exactly the list above."""
    token = csrf_token(client, "/admin/orders")
    open_to_staff, walked = set(), 0
    for rule in app.url_map.iter_rules():
        if not backoffice.in_back_office(rule.rule):
            continue
        url = _url(rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            walked += 1
            status = _send(client, method, url, token)
            if backoffice.may_open("staff", urlsplit(url).path, method):
                assert status != 403, (method, url)
                open_to_staff.add(rule.endpoint)
            else:
                assert status == 403, (method, url, status)
    assert walked > 50
    assert open_to_staff == STAFF_ENDPOINTS


def test_the_owner_reaches_every_back_office_address(app, client, owner, setup):
    token = csrf_token(client, "/admin/orders")
    for rule in app.url_map.iter_rules():
        if backoffice.in_back_office(rule.rule):
            url = _url(rule)
            for method in rule.methods & {"GET", "POST"}:
                assert _send(client, method, url, token) != 403, (method, url)


def test_the_navigation_shows_staff_only_what_they_may_open(client, staff_member, make):
    html = text(client.get("/admin/orders"))
    nav = html[html.index('class="admin-nav"'):html.index("</nav>", html.index('class="admin-nav"'))]
    for link in ("/admin/orders", "/admin/returns", "/admin/customers", "/admin/"):
        assert f'href="{link}"' in nav, link
    for link in ("/admin/settings", "/admin/staff", "/admin/products", "/admin/returns/rules",
                 "/admin/imports", "/admin/outbox", "/admin/categories", "/admin/policies/privacy"):
        assert f'href="{link}"' not in nav, link


def test_the_owner_sees_the_staff_page_in_the_navigation(client, owner):
    html = text(client.get("/admin/"))
    assert 'href="/admin/staff"' in html and 'href="/admin/settings"' in html


def test_an_invitation_is_emailed_in_the_chosen_language(app, client, post, owner):
    """The owner invites by email and role; the email goes through the outbox in the language
    chosen (the shop's main one by default), with a link to accept."""
    page = text(client.get("/admin/staff"))
    assert re.search(r'<option (selected )?value="en"( selected)?>English', page)
    assert "selected" in page[page.index('value="en"') - 10:page.index('value="en"') + 20]
    response = invite(post, "Jisoo@Example.com", language="ko")
    assert response.status_code == 303
    assert invitations(app) == [("jisoo@example.com", "staff", False, False)]
    [(message_id, to, locale, data)] = outbox(app)
    assert (to, locale, data["role"], data["expires_days"]) == ("jisoo@example.com", "ko", "staff", 7)
    assert re.fullmatch(r"/account/invitation/[\w.-]+", urlsplit(data["url"]).path)
    with app.app_context():
        email = mail.renderer(app)(db.session.get(OutboxMessage, message_id))
    body = email.get_body(("plain",)).get_content()
    assert "관리자 페이지에 초대받았습니다" in email["Subject"]
    assert data["url"] in body and "직원(으)로 초대했습니다" in body
    assert "jisoo@example.com" in text(client.get("/admin/staff"))


def test_an_existing_account_gets_the_invitation_in_its_own_language(app, client, post, owner, make):
    make.user("minji@example.com")
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == "minji@example.com")).locale = "ko"
        db.session.commit()
    assert invite(post, "minji@example.com", language="en").status_code == 303
    [(_id, _to, locale, _data)] = outbox(app)
    assert locale == "ko"


def test_bad_invitations_change_nothing(app, client, post, owner, make):
    """A bad address, an unknown role, someone already in, or a second invitation to the same
    address are refused with a message; no row, no email. Without the CSRF token, 400."""
    make.user("clerk@example.com", role="staff")
    for email, role, message in (("not an email", "staff", "valid email address"),
                                 ("a@example.com", "king", "Not a valid choice"),
                                 ("clerk@example.com", "staff", "already has access")):
        response = invite(post, email, role)
        assert response.status_code == 422 and message in text(response), email
    assert invitations(app) == [] and outbox(app) == []
    assert invite(post, "new@example.com").status_code == 303
    again = invite(post, "new@example.com", "owner")
    assert again.status_code == 422 and "already waiting" in text(again)
    no_token = client.post("/admin/staff/invite", data={"email": "b@example.com", "role": "staff"})
    assert no_token.status_code == 400
    assert len(invitations(app)) == 1 and len(outbox(app)) == 1


def test_accepting_makes_a_staff_account_once(app, client, post, owner):
    """The link lets the invitee choose a name and password and lands them in the back office
    as staff; the same link does not work a second time."""
    invite(post, "jisoo@example.com")
    path = link_path(app, "jisoo@example.com")
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    page = client.get(path)
    assert page.status_code == 200 and "jisoo@example.com" in text(page)
    short = client.post(path, data={"csrf_token": csrf_token(client, path), "name": "Jisoo",
                                    "password": "short"})
    assert short.status_code == 422 and role_of_or_none(app, "jisoo@example.com") is None
    done = client.post(path, data={"csrf_token": csrf_token(client, path), "name": "Jisoo",
                                   "password": "a long password"})
    assert done.status_code == 303 and done.headers["Location"] == "/admin/"
    assert role_of(app, "jisoo@example.com") == (True, "staff")
    assert client.get("/admin/orders").status_code == 200
    assert client.get("/admin/settings").status_code == 403
    assert invitations(app) == [("jisoo@example.com", "staff", True, False)]
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    again = client.get(path)
    assert again.status_code == 404 and "not valid any more" in text(again)


def role_of_or_none(app, email):
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def test_an_existing_account_signs_in_to_accept(app, client, post, owner, make):
    make.user("minji@example.com", password="minji's password")
    invite(post, "minji@example.com", role="owner")
    path = link_path(app, "minji@example.com")
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert "already has an account" in text(client.get(path))
    wrong = client.post(path, data={"csrf_token": csrf_token(client, path), "password": "nope nope nope"})
    assert wrong.status_code == 422 and role_of(app, "minji@example.com") == (False, None)
    assert invitations(app)[0][2] is False
    right = client.post(path, data={"csrf_token": csrf_token(client, path),
                                    "password": "minji's password"})
    assert right.status_code == 303
    assert role_of(app, "minji@example.com") == (True, "owner")
    assert client.get("/admin/settings").status_code == 200


def test_expired_tampered_and_withdrawn_links_do_not_work(app, client, post, owner):
    app.config["CLOCK"] = lambda: NOW
    invite(post, "late@example.com")
    invite(post, "gone@example.com")
    late, gone = link_path(app, "late@example.com"), link_path(app, "gone@example.com")
    with app.app_context():
        gone_id = db.session.scalar(db.select(StaffInvitation.id).where(
            StaffInvitation.email == "gone@example.com"))
    withdrawn = post(f"/admin/staff/invitations/{gone_id}/revoke", token_from="/admin/staff")
    assert withdrawn.status_code == 303
    assert "gone@example.com" not in text(client.get("/admin/staff"))
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/account/")})
    assert client.get(late).status_code == 200
    assert client.get(gone).status_code == 404
    tampered = late[:-3] + ("abc" if not late.endswith("abc") else "xyz")
    assert client.get(tampered).status_code == 404
    app.config["CLOCK"] = lambda: NOW + timedelta(days=7, minutes=1)
    expired = client.get(late)
    assert expired.status_code == 404 and "has expired" in text(expired)
    posted = client.post(late, data={"csrf_token": csrf_token(client, "/account/login"),
                                     "name": "Late", "password": "a long password"})
    assert posted.status_code == 404 and role_of_or_none(app, "late@example.com") is None


def test_the_last_owner_keeps_the_role(app, client, post, owner, make):
    """The only owner cannot demote or remove themselves; with a second owner they can."""
    with app.app_context():
        boss_id = db.session.scalar(db.select(User.id).where(User.email == "boss@example.com"))
    demote = post(f"/admin/staff/{boss_id}/role", {"role": "staff"}, token_from="/admin/staff")
    assert demote.status_code == 422 and "only owner" in text(demote)
    remove = post(f"/admin/staff/{boss_id}/remove", token_from="/admin/staff")
    assert remove.status_code == 422 and "only owner" in text(remove)
    assert role_of(app, "boss@example.com") == (True, "owner")
    make.user("second@example.com", merchant=True)
    assert post(f"/admin/staff/{boss_id}/role", {"role": "staff"},
                token_from="/admin/staff").status_code == 303
    assert role_of(app, "boss@example.com") == (True, "staff")
    assert client.get("/admin/staff").status_code == 403


def test_removing_access_ends_the_sessions(app, client, post, owner, make):
    """A staff member taken out of the back office is signed out at once, everywhere."""
    clerk = make.user("clerk@example.com", role="staff")
    other = app.test_client()
    assert sign_in(other, clerk["email"], clerk["password"]).status_code == 303
    assert other.get("/admin/orders").status_code == 200
    without_token = client.post(f"/admin/staff/{clerk['id']}/remove")
    assert without_token.status_code == 400 and role_of(app, clerk["email"]) == (True, "staff")
    assert post(f"/admin/staff/{clerk['id']}/remove", token_from="/admin/staff").status_code == 303
    assert role_of(app, clerk["email"]) == (False, None)
    after = other.get("/admin/orders")
    assert after.status_code == 303 and "/account/login" in after.headers["Location"]
    assert sign_in(other, clerk["email"], clerk["password"]).status_code == 303
    assert other.get("/admin/orders").status_code == 403


def test_staff_cannot_manage_staff(app, client, post, staff_member, make):
    boss = make.user("boss@example.com", merchant=True)
    token = csrf_token(client, "/admin/orders")
    for url in (f"/admin/staff/{boss['id']}/remove", f"/admin/staff/{boss['id']}/role",
                "/admin/staff/invite"):
        assert client.post(url, data={"csrf_token": token, "role": "staff",
                                      "email": "x@example.com"}).status_code == 403
    assert role_of(app, "boss@example.com") == (True, "owner")


def test_the_dashboard_links_staff_only_where_they_may_go(client, staff_member, make):
    """Staff read the dashboard (its warnings, checklist, counts and low stock) without links
    to the owner's pages; an owner's dashboard has them."""
    make.product("Last jar", stock=1)
    html = text(client.get("/admin/"))
    assert "Last jar" in html and "Ready for customers?" in html
    links = {urlsplit(href).path for href in re.findall(r'href="(/admin[^"]*)"', html)}
    assert links and all(backoffice.may_open("staff", path) for path in links), links


def test_an_owners_dashboard_links_to_the_owners_pages(client, owner, make):
    make.product("Last jar", stock=1)
    html = text(client.get("/admin/"))
    assert 'href="/admin/products/new"' in html and 'href="/admin/settings#shipping"' in html
