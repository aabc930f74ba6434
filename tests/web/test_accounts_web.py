"""Accounts through the browser: register, sign in and out, rate limits, redirects, language."""
import re

import pytest

from tests.page_helpers import csrf_token, sign_in, text


def signed_in(client):
    """Whether the header offers the account page rather than 'Sign in'."""
    return 'href="/account/"' in text(client.get("/"))


def form_error(body):
    return re.search(r'<p class="error"[^>]*role="alert">([^<]+)</p>', body).group(1)


def register(client, email="new@example.com", password="a long enough password", name="Min"):
    return client.post("/account/register", data={
        "csrf_token": csrf_token(client, "/account/register"), "email": email,
        "password": password, "name": name})


def test_register_signs_the_new_customer_in(client):
    """A new account is ready at once: welcomed, and signed in."""
    response = register(client, email=" New@Example.com ")
    assert response.status_code == 303
    landing = text(client.get(response.headers["Location"]))
    assert "Welcome! Your account is ready." in landing
    assert signed_in(client)
    assert "Signed in as new@example.com." in text(client.get("/account/"))


def test_register_with_a_taken_email_says_so(client, make):
    """Registering an email that has an account (in any case) suggests signing in instead."""
    make.user("taken@example.com")
    response = register(client, email="Taken@Example.com")
    assert response.status_code == 422
    assert "already exists" in form_error(text(response))
    assert not signed_in(client)


def test_register_with_a_short_password_is_refused(client):
    """A password under 10 characters is refused with the rule in words."""
    response = register(client, password="short")
    assert response.status_code == 422
    assert "10" in form_error(text(response))
    assert not signed_in(client)


def test_sign_in_with_the_right_password(client, make):
    """The right email and password sign in and land on the shop's home page."""
    user = make.user("min@example.com")
    response = sign_in(client, "  MIN@example.com ", user["password"])
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert signed_in(client)


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make):
    """Nobody can learn which emails have accounts: both mistakes read exactly the same."""
    make.user("min@example.com")
    wrong_password = sign_in(client, "min@example.com", "not the password")
    unknown_email = sign_in(client, "nobody@example.com", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 422
    assert form_error(text(wrong_password)) == form_error(text(unknown_email)) \
        == "That email and password do not match an account."
    assert not signed_in(client)


def test_eleventh_sign_in_attempt_within_a_minute_is_refused(client, make):
    """After 10 attempts in a minute the next one gets 429 and a page saying to wait."""
    user = make.user()
    for _ in range(10):
        assert sign_in(client, user["email"], "wrong password").status_code == 422
    response = sign_in(client, user["email"], user["password"])
    assert response.status_code == 429
    assert "wait a minute" in text(response)
    assert not signed_in(client)


def test_looking_at_the_sign_in_page_is_not_rate_limited(client):
    """Only attempts count: opening the form many times is fine."""
    for _ in range(15):
        assert client.get("/account/login").status_code == 200


def test_sign_out_requires_a_post_with_csrf(client, login, make):
    """A link or a forged form cannot sign someone out; the real button can."""
    login(make.user())
    assert client.get("/account/logout").status_code == 405
    assert client.post("/account/logout").status_code == 400
    assert signed_in(client)
    response = client.post("/account/logout",
                           data={"csrf_token": csrf_token(client, "/account/")})
    assert response.status_code == 303
    assert not signed_in(client)


def test_account_page_needs_sign_in(client):
    """The account page sends visitors to sign in first, and back afterwards."""
    response = client.get("/account/")
    assert response.status_code == 302
    assert "/account/login?next=%2Faccount%2F" in response.headers["Location"]


def test_next_brings_the_customer_back(client, make):
    """Signing in from the cart returns to the cart."""
    user = make.user()
    assert sign_in(client, user["email"], user["password"], "/cart").headers["Location"] == "/cart"


@pytest.mark.parametrize("target", ["//evil.com", "https://evil.com/", "/\\evil.com",
                                    "\\\\evil.com", "/\t/evil.com", "/\n/evil.com",
                                    "javascript:alert(1)"])
def test_next_to_another_site_is_refused(client, make, target):
    """A crafted ?next= cannot send a freshly signed-in customer to another site."""
    user = make.user()
    response = sign_in(client, user["email"], user["password"], target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_register_refuses_next_to_another_site(client):
    """Registering with a crafted next also lands on the shop."""
    response = client.post("/account/register", data={
        "csrf_token": csrf_token(client, "/account/register"), "email": "x@example.com",
        "password": "a long enough password", "next": "//evil.com"})
    assert response.headers["Location"] == "/"


def test_merchant_lands_in_the_back_office(client, make):
    """A merchant signing in without a next goes to the dashboard."""
    merchant = make.user(merchant=True)
    assert sign_in(client, merchant["email"], merchant["password"]).headers["Location"] == "/admin/"


def switch_language(client, lang, next_):
    return client.post("/language", data={"csrf_token": csrf_token(client, "/"),
                                          "lang": lang, "next": next_})


def test_language_switch_to_korean(client, make):
    """Choosing 한국어 marks pages as Korean and formats prices the Korean way."""
    make.settings(currency="USD")
    make.product("Blue Mug", price=1250)
    assert '<html lang="en">' in text(client.get("/products/blue-mug"))
    response = switch_language(client, "ko", "/products/blue-mug")
    assert response.status_code == 303
    assert response.headers["Location"] == "/products/blue-mug"
    body = text(client.get("/products/blue-mug"))
    assert '<html lang="ko">' in body
    assert '<span class="amount">US$12.50</span>' in body
    assert re.search(r'value="ko" lang="ko" aria-pressed="true"', body)
    switch_language(client, "en", "/")
    assert '<span class="amount">$12.50</span>' in text(client.get("/products/blue-mug"))


def test_korean_browser_gets_korean_without_choosing(client, make):
    """A browser asking for Korean first gets lang="ko" and won amounts as ₩39,000."""
    make.settings(currency="KRW")
    make.product("Blue Mug", price=39000)
    body = text(client.get("/products/blue-mug", headers={"Accept-Language": "ko-KR,ko;q=0.9"}))
    assert '<html lang="ko">' in body
    assert '<span class="amount">₩39,000</span>' in body


def test_unknown_language_is_ignored(client):
    """A language the shop does not offer leaves the page as it was."""
    switch_language(client, "xx", "/")
    assert '<html lang="en">' in text(client.get("/"))


@pytest.mark.parametrize("target", ["//evil.com", "https://evil.com", "/\\evil.com",
                                    "/\t/evil.com", "/\r\n/evil.com", ""])
def test_language_switch_refuses_next_to_another_site(client, target):
    """The language form only returns to pages of this shop."""
    response = switch_language(client, "ko", target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert '<html lang="ko">' in text(client.get("/"))


def test_language_switch_needs_csrf(client):
    """A forged language form changes nothing."""
    assert client.post("/language", data={"lang": "ko", "next": "/"}).status_code == 400
    assert '<html lang="en">' in text(client.get("/"))
