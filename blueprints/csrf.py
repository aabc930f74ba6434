"""CSRF for visitors who have no cookie yet, so that a cached page can be sent to them as stored
bytes, without starting a session.

Flask-WTF's token is a random value kept in the visitor's session and signed: each visitor needs
a session cookie before any form of theirs can be checked. A first visit would then cost a new
session (a random token, two signatures, a Set-Cookie) on every cached page, and the page could
not be compressed once for everyone. So a page served to a visitor with neither a session nor a
remember cookie carries the shop's *anonymous* token instead: one value, derived from the secret
key. It proves nothing by itself (anyone can read it from a page), so a POST carrying it is
accepted only when the browser says the form was sent from this shop:

- `Sec-Fetch-Site: same-origin` (or `none`, typed by the visitor), else an `Origin` naming this
  host; any other value (another site, `null`) is refused;
- with neither header (browsers before 2020 on some forms, scripts), only when the request has no
  session or remember cookie either: there is then no signed-in customer, cart or language of the
  visitor's that a forged form could act on.

Every other POST is checked by Flask-WTF as before: a session-bound token, refused when missing or
wrong. The first accepted POST starts the visitor's session, and the pages it gets from then on
carry its own token.

`csrf` here is the shop's CSRF extension: Flask-WTF's `CSRFProtect`, which turns to the
anonymous token only for a POST it refused. A view marked `@csrf.exempt` is skipped before its
form is read, so it can check its token itself with `csrf.protect()` when it is ready (the
import upload first raises the size limit of its request).
"""
import hashlib
import hmac
from urllib.parse import urlsplit

from flask import current_app, g, request
from flask_wtf.csrf import CSRFError, CSRFProtect

PREFIX = "anon."
SAME_ORIGIN_FETCH = ("same-origin", "none")


def anonymous_token():
    """The token every cookieless visitor's page carries (one per secret key)."""
    key = current_app.secret_key
    cached = current_app.extensions.get("anonymous_csrf")
    if cached is None or cached[0] != key:
        digest = hmac.new(str(key).encode(), b"shop anonymous csrf token", hashlib.sha256)
        cached = current_app.extensions["anonymous_csrf"] = (key, PREFIX + digest.hexdigest()[:40])
    return cached[1]


def cookieless():
    """True when the request carries neither a session nor a remember-me cookie: the visitor is
    nobody yet (not signed in, no cart, no chosen language, no pending message)."""
    cookies = request.cookies
    return (current_app.config["SESSION_COOKIE_NAME"] not in cookies
            and current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies)


def sent_from_this_shop():
    """True or False when the browser told where the request comes from, None when it did not."""
    site = request.headers.get("Sec-Fetch-Site")
    if site:
        return site in SAME_ORIGIN_FETCH
    origin = request.headers.get("Origin")
    if origin:
        return urlsplit(origin).netloc == request.host
    return None


def _anonymous_post_accepted():
    sent = request.form.get(current_app.config["WTF_CSRF_FIELD_NAME"]) or next(
        (request.headers.get(h) for h in current_app.config["WTF_CSRF_HEADERS"]
         if request.headers.get(h)), None)
    if not sent or not sent.startswith(PREFIX) or not hmac.compare_digest(sent, anonymous_token()):
        return False
    verdict = sent_from_this_shop()
    return verdict is True or (verdict is None and cookieless())


class ShopCSRFProtect(CSRFProtect):
    """Flask-WTF's check (exempt views, session-bound tokens, the HTTPS referrer), which
    also accepts the anonymous token as described above."""

    def protect(self, apply_exemptions=False):
        try:
            super().protect(apply_exemptions)
        except CSRFError:
            if not _anonymous_post_accepted():
                raise
            g.csrf_valid = True  # Flask-WTF's own mark: forms skip their token check too


csrf = ShopCSRFProtect()
