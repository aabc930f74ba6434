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
"""
import hashlib
import hmac
from urllib.parse import urlsplit

from flask import current_app, g, request

from domain.extensions import csrf

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


def init_app(app):
    """Let Flask-WTF's check accept the anonymous token as described above (once per process:
    the extension object is shared by every app made in it)."""
    if getattr(csrf, "accepts_anonymous_token", False):
        return
    checked = csrf.protect

    def protect(apply_exemptions=False):
        if apply_exemptions and (not request.endpoint or csrf._is_exempt()):
            # An exempt view checks its token itself, when it is ready to read the form (the
            # import upload first raises the size limit of its request).
            return None
        if request.method in current_app.config["WTF_CSRF_METHODS"] and _anonymous_post_accepted():
            g.csrf_valid = True  # Flask-WTF's own mark: forms skip their token check too
            return
        return checked(apply_exemptions)

    csrf.protect = protect
    csrf.accepts_anonymous_token = True
