"""The back office's newsletter campaigns, as the owner uses them: write one (mistakes named,
nothing saved), preview it in both languages, send a test to themself only, send it after a
confirmation, watch its progress (an htmx poll that stops once sent, or a reload) and read its
report; staff are refused. And the shopper's side: the email itself (the "(광고)" subject, the
shop's contact, the unsubscribe link and headers naming the campaign), a campaign link that
leaves only a session trace, and the order placed from it carrying the campaign."""
from datetime import timedelta
from email import message_from_bytes, policy

from blueprints.mail import renderer
from domain.extensions import db
from domain.models import Campaign, CampaignRecipient, Consent, Order, OutboxMessage
from tests.campaign_helpers import messages, send_all, start, subscribe, write
from tests.checkout_helpers import add_to_cart, buy_now_form, checkout_form
from tests.order_helpers import NOW
from tests.page_helpers import csrf_token, text

FORM = {"name": "Spring letter", "subject_en": "New moon jars", "body_en": "**New** jars are in.",
        "subject_ko": "새 달항아리", "body_ko": "**새** 항아리가 들어왔어요.",
        "audience": "subscribers", "audience_days": "90", "tier_id": "",
        "coupon_kind": "", "coupon_value": "", "coupon_days": "14"}


def count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(model.id)))


def test_a_form_with_mistakes_is_shown_again_with_each_message_and_nothing_saved(
        app, client, post, merchant, checkout_shop):
    response = post("/admin/campaigns/new", {**FORM, "name": "", "body_en": "",
                                            "audience": "recent", "audience_days": "abc",
                                            "coupon_kind": "amount", "coupon_value": ""},
                    token_from="/admin/campaigns/new")
    html = text(response)
    assert response.status_code == 422
    assert "Nothing was saved yet" in html
    for message in ("Give the campaign a name", "Write both the subject and the message",
                    "Enter a number of days from 1 to 3650",
                    "Enter the amount the code takes off"):
        assert message in html, message
    assert count(app, Campaign) == 0


def test_the_owner_writes_previews_tests_and_sends_a_campaign(app, client, post, merchant,
                                                             checkout_shop):
    subscribe(app, "fan@example.com", language="ko")
    subscribe(app, "pending@example.com", confirmed=False)
    response = post("/admin/campaigns/new", FORM, token_from="/admin/campaigns/new")
    assert response.status_code == 303
    with app.app_context():
        campaign_id = db.session.scalar(db.select(Campaign.id))
    page = text(client.get(f"/admin/campaigns/{campaign_id}"))
    # Both languages previewed as the email will arrive, the Korean subject marked as advertising.
    assert "(Ad) New moon jars" in page and "(광고) 새 달항아리" in page
    assert "<strong>새</strong> 항아리가 들어왔어요." in page
    email_page = client.get(f"/admin/campaigns/{campaign_id}/email/ko")
    assert email_page.status_code == 200 and "(광고) 새 달항아리" in text(email_page)
    # A test goes to the signed-in owner only, marked as a test.
    assert post(f"/admin/campaigns/{campaign_id}/test", {},
                token_from=f"/admin/campaigns/{campaign_id}").status_code == 303
    [(to, _locale, data, _at)] = messages(app)
    assert (to, data) == ("boss@example.com", {"campaign_id": campaign_id, "test": True})
    with app.test_request_context():
        message = db.session.scalar(db.select(OutboxMessage))
        assert renderer(app)(message)["Subject"].startswith("[Test] (Ad) New moon jars")
    # The confirmation says how many it goes to: confirmed consent only.
    confirm = text(client.get(f"/admin/campaigns/{campaign_id}/send"))
    assert "It goes to 1 person who confirmed" in confirm
    assert post(f"/admin/campaigns/{campaign_id}/send", {},
                token_from=f"/admin/campaigns/{campaign_id}/send").status_code == 303
    with app.app_context():
        assert [(r.email, r.status) for r in db.session.scalars(db.select(CampaignRecipient))] \
            == [("fan@example.com", "pending")]
    # While sending, the progress block polls itself; an htmx poll gets only the block.
    sending = text(client.get(f"/admin/campaigns/{campaign_id}"))
    assert 'hx-trigger="every 2s"' in sending and "Sending" in sending
    fragment = text(client.get(f"/admin/campaigns/{campaign_id}", headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith('<section id="campaign-progress"')
    assert "admin-nav" not in fragment
    send_all(app, campaign_id)
    app.config["CLOCK"] = lambda: NOW
    done = text(client.get(f"/admin/campaigns/{campaign_id}"))
    assert "hx-trigger" not in done and "Sent" in done
    # Once sent, it can no longer be changed.
    response = post(f"/admin/campaigns/{campaign_id}", {**FORM, "name": "Changed"},
                    token_from="/admin/campaigns")
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).name == "Spring letter"


def test_sending_to_an_empty_audience_is_refused_with_a_message(app, client, post, merchant,
                                                               checkout_shop):
    campaign_id = write(app)
    response = post(f"/admin/campaigns/{campaign_id}/send", {},
                    token_from=f"/admin/campaigns/{campaign_id}/send")
    assert response.status_code == 422
    assert "Nobody in this audience has agreed" in text(response)
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).status == "draft"


def test_staff_are_refused_the_campaigns(app, client, post, make, login, checkout_shop):
    campaign_id = write(app)
    login(make.user(email="clerk@example.com", role="staff"))
    for path in ("/admin/campaigns", "/admin/campaigns/new", f"/admin/campaigns/{campaign_id}",
                 f"/admin/campaigns/{campaign_id}/send"):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/admin/orders")
    for path in (f"/admin/campaigns/{campaign_id}/send", f"/admin/campaigns/{campaign_id}/test",
                 "/admin/campaigns/new"):
        assert client.post(path, data={**FORM, "csrf_token": token}).status_code == 403, path
    assert count(app, CampaignRecipient) == 0 and count(app, OutboxMessage) == 0
    assert count(app, Campaign) == 1


def sent_campaign(app, email="fan@example.com", language="ko"):
    app.config["SHOP_URL"] = "http://localhost"
    subscribe(app, email, language=language)
    campaign_id = write(app, body_ko="[달항아리 보기](http://localhost/products/moon-jar) · "
                                     "[다른 곳](https://elsewhere.example/x)")
    start(app, campaign_id)
    send_all(app, campaign_id)
    return campaign_id


def test_the_campaign_email_is_marked_advertising_with_the_shops_contact_and_unsubscribe(
        app, client, make, checkout_shop):
    make.settings(email="hello@moonjar.example", phone="02-123-4567", campaign_rate=10,
                  quiet_hours=False)
    campaign_id = sent_campaign(app)
    with app.test_request_context():
        message = db.session.scalar(db.select(OutboxMessage))
        email = message_from_bytes(renderer(app)(message).as_bytes(), policy=policy.default)
    assert email["Subject"] == "(광고) 새 항아리"
    assert f"c={campaign_id}" in email["List-Unsubscribe"]
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = email.get_body(("html",)).get_content()
    plain = email.get_body(("plain",)).get_content()
    for part in (html, plain):
        assert "Moonjar Studio" in part and "hello@moonjar.example" in part
        assert "02-123-4567" in part
        assert "/unsubscribe/" in part
    # Links to the shop's own pages go through the landing page; others are left alone.
    assert f"/go?c={campaign_id}&amp;to=/products/moon-jar" in html
    assert 'href="https://elsewhere.example/x"' in html
    assert f"/go?c={campaign_id}&to=/products/moon-jar" in plain


def test_unsubscribing_from_the_campaigns_link_counts_in_its_report(app, client, make,
                                                                   checkout_shop):
    make.settings(campaign_rate=10, quiet_hours=False)
    campaign_id = sent_campaign(app)
    with app.test_request_context():
        message = db.session.scalar(db.select(OutboxMessage))
        link = renderer(app)(message)["List-Unsubscribe"].strip("<>")
    assert f"c={campaign_id}" in link
    path = link.replace("http://localhost", "")
    assert client.get(path).status_code == 200  # a GET only asks
    with app.app_context():
        assert db.session.scalar(db.select(CampaignRecipient.unsubscribed_at)) is None
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(CampaignRecipient.unsubscribed_at)) is not None
        assert db.session.scalar(db.select(Consent.withdrawn_at)) is not None


def test_a_campaign_link_leaves_a_session_trace_only_and_the_order_carries_it(
        app, client, make, checkout_shop):
    make.settings(campaign_rate=10, quiet_hours=False)
    campaign_id = sent_campaign(app)
    app.config["CLOCK"] = lambda: NOW + timedelta(days=1)
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(OutboxMessage.id)))
    response = client.get(f"/go?c={campaign_id}&to=/products/moon-jar")
    assert (response.status_code, response.headers["Location"]) == (302, "/products/moon-jar")
    assert client.get("/go?c=1&to=https://evil.example/").headers["Location"] == "/"
    client.get(f"/go?c={campaign_id}&to=/products/moon-jar")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == before
    add_to_cart(client, checkout_shop["small"])
    assert client.post("/checkout", data=checkout_form(client, checkout_shop)).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Order.campaign_id)) == campaign_id


def test_a_one_click_order_within_7_days_carries_the_campaign_and_after_does_not(
        app, client, make, customer, checkout_shop):
    make.settings(campaign_rate=10, quiet_hours=False)
    campaign_id = sent_campaign(app, email="buyer@example.com", language="en")
    app.config["CLOCK"] = lambda: NOW + timedelta(days=1)
    client.get(f"/go?c={campaign_id}&to=/products/moon-jar")
    for days in (7, 9):  # 6 days after the visit, then 8
        app.config["CLOCK"] = lambda days=days: NOW + timedelta(days=days)
        html = text(client.get("/products/moon-jar"))
        response = client.post("/checkout/buy-now", data=buy_now_form(html, checkout_shop["small"]))
        assert response.status_code == 303
    with app.app_context():
        assert list(db.session.scalars(db.select(Order.campaign_id).order_by(Order.id))) == [
            campaign_id, None]
