"""The cookies the shop sets, for the privacy policy, read from the configuration that sets
them: the policy names the cookie and its flags as the app actually sends them.

There are two: Flask's session cookie, and "recent", the ids of the last products viewed
(blueprints/products/goes_well.py), set with the same flags and read only to show "Recently
viewed": the list stays in the browser, the server keeps nothing of it. Neither is made
"permanent" (no Expires), so browsers drop them when they close; Flask-Login's remember-me cookie is never asked for (sign-in does not
pass remember=True), and the shop loads nothing from other sites. tests/web/test_privacy_page.py
walks through the shop and checks that the cookies it receives are exactly these.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from ..products.goes_well import RECENT_COOKIE


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: str
    flags: str


def shop_cookies(config):
    flags = ["HttpOnly"] if config.get("SESSION_COOKIE_HTTPONLY") else []
    if config.get("SESSION_COOKIE_SAMESITE"):
        flags.append(f"SameSite={config['SESSION_COOKIE_SAMESITE']}")
    if config.get("SESSION_COOKIE_SECURE"):
        flags.append("Secure")
    return [Cookie(
        name=config["SESSION_COOKIE_NAME"],
        purpose=_("Keeps you signed in, a guest's cart, the language you chose, the token that "
                  "proves a form was sent from this shop, and a random token so that each "
                  "review or answer you find helpful is counted once."),
        lifetime=_("Until you close your browser."),
        flags=", ".join(flags)), Cookie(
        name=RECENT_COOKIE,
        purpose=_("The last products you looked at, to show them as “Recently viewed”. The list "
                  "stays in your browser: the shop keeps no record of what you viewed."),
        lifetime=_("Until you close your browser."),
        flags=", ".join(flags))]
