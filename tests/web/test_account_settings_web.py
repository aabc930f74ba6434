"""Account settings through the browser: preferences, language, email, one-click summary."""
import re

import pytest

from domain.extensions import db
from domain.models import User
from tests.page_helpers import csrf_token, text


@pytest.fixture
def methods(make):
    make.settings(currency="USD")
    return {"standard": make.shipping("Standard", price=500),
            "express": make.shipping("Express", price=1500)}


def save(post, **values):
    data = {"name": "", "locale": "", "shipping_method": "", "payment_method": ""}
    data.update(values)
    return post("/account/settings", data, token_from="/account/settings")


def user_row(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id)


def test_the_settings_page_offers_the_shops_choices(client, make, login, methods):
    """Active shipping methods with prices, every payment provider, English and Korean."""
    login(make.user())
    page = text(client.get("/account/settings"))
    options = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', page)
    assert (str(methods["standard"]), "Standard, $5.00") in options
    assert (str(methods["express"]), "Express, $15.00") in options
    assert ("bank_transfer", "Bank transfer") in options
    assert ("cash_on_delivery", "Cash on delivery") in options
    assert ("ko", "한국어") in options
    for field in ("name", "locale", "shipping_method", "payment_method", "email-email",
                  "email-current_password"):
        assert f'<label for="{field}">' in page
    assert "One-click buying needs a default address and a payment method." in page


def test_preferences_are_saved_and_shown(app, client, make, login, post, methods):
    """Saved choices come back selected, and one-click buying says what it will use."""
    user = make.user()
    login(user)
    post("/account/addresses/new", {"label": "Home", "name": "Kim", "line1": "1 Main St",
                                    "city": "Seoul", "region": "Domestic"},
         token_from="/account/addresses/new")
    response = save(post, name="Kim Minji", shipping_method=str(methods["express"]),
                    payment_method="cash_on_delivery")
    assert response.status_code == 303 and response.headers["Location"] == "/account/settings"
    row = user_row(app, user["id"])
    assert (row.name, row.preferred_shipping_method_id, row.preferred_payment_method) == (
        "Kim Minji", methods["express"], "cash_on_delivery")
    page = text(client.get("/account/settings"))
    assert "Your preferences are saved." in page
    express = methods["express"]
    assert re.search(rf'<option selected value="{express}">|<option value="{express}" selected',
                     page)
    assert "One-click buys go to Home, Express, paid by Cash on delivery." in page


def test_an_unknown_choice_is_refused(app, client, make, login, post, methods):
    """A payment method the shop does not offer is refused and nothing is saved."""
    user = make.user()
    login(user)
    response = save(post, payment_method="bitcoin")
    assert response.status_code == 422
    assert 'role="alert"' in text(response)
    assert user_row(app, user["id"]).preferred_payment_method is None


def test_the_language_preference_applies_when_signed_in(app, client, make, login, post,
                                                        methods):
    """Korean saved in the account beats the browser's English, and outlasts the footer choice."""
    user = make.user()
    client.post("/language", data={"csrf_token": csrf_token(client, "/"), "lang": "en",
                                   "next": "/"})
    login(user)
    save(post, locale="ko")
    assert user_row(app, user["id"]).locale == "ko"
    assert '<html lang="ko">' in text(client.get("/", headers={"Accept-Language": "en"}))
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/account/")})
    assert '<html lang="en">' in text(client.get("/", headers={"Accept-Language": "en"}))


def test_the_footer_choice_still_wins_for_the_session(client, make, login, post, methods):
    """Choosing a language in the footer applies at once, whatever the account says."""
    login(make.user())
    save(post, locale="ko")
    client.post("/language", data={"csrf_token": csrf_token(client, "/"), "lang": "en",
                                   "next": "/"})
    assert '<html lang="en">' in text(client.get("/"))


def test_changing_email_needs_the_current_password(app, client, make, login, post):
    """A wrong password or a taken email is refused; the right password moves the account."""
    user = make.user("min@example.com", password="my current password")
    make.user("taken@example.com")
    login(user)

    def change(email, password):
        return post("/account/settings/email", {"email-email": email,
                                                "email-current_password": password},
                    token_from="/account/settings")

    wrong = change("new@example.com", "not my password")
    assert wrong.status_code == 422 and "That is not your current password." in text(wrong)
    taken = change("taken@example.com", "my current password")
    assert taken.status_code == 422 and "Another account already uses that email." in text(taken)
    assert user_row(app, user["id"]).email == "min@example.com"
    done = change("New@Example.com", "my current password")
    assert done.status_code == 303
    assert "Your sign-in email is now new@example.com." in text(client.get("/account/settings"))
    assert user_row(app, user["id"]).email == "new@example.com"


def test_settings_posts_need_csrf(app, client, make, login, methods):
    """Without the CSRF token: 400, and neither preferences nor email change."""
    user = make.user()
    login(user)
    forged = client.post("/account/settings", data={"name": "Forged", "locale": "ko"})
    assert forged.status_code == 400
    assert client.post("/account/settings/email", data={
        "email-email": "forged@example.com",
        "email-current_password": user["password"]}).status_code == 400
    row = user_row(app, user["id"])
    assert (row.name, row.locale, row.email) == ("", None, user["email"])


def test_the_eleventh_email_change_in_an_hour_says_to_come_back_in_an_hour(client, make, login,
                                                                            post):
    """The limit is 10 an hour, so the refusal says an hour, not "a minute" as if one minute's
    wait would do; Korean says the same."""
    user = make.user("min@example.com", password="my current password")
    login(user)

    def change():
        return post("/account/settings/email", {"email-email": "new@example.com",
                                                "email-current_password": "not my password"},
                    token_from="/account/settings")

    for _ in range(10):
        assert change().status_code == 422
    refused = change()
    assert refused.status_code == 429
    assert "Too many attempts. Please try again in 1 hour." in text(refused)
    assert "minute" not in text(refused)
    post("/language", {"lang": "ko", "next": "/account/settings"})
    assert "1시간 후에 다시 시도해 주세요" in text(change())
