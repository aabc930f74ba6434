"""The campaign email (domain/newsletter/): what blueprints/mail.py renders it with. It is
marketing: "(광고)" starts the Korean subject, the footer names the shop and its contact, and
the body and the List-Unsubscribe headers carry the unsubscribe link, which names the campaign
so the report counts who left through it. A test sent to the merchant says so in its subject
and carries no real recipient's link."""
import html as htmllib
import re
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import nh3
from flask import current_app, url_for
from flask_babel import gettext as _

from domain import consent
from domain.extensions import db
from domain.models import Campaign, Coupon
from domain.newsletter import campaigns
from domain.newsletter.sending import KIND

from ..common import shop

KINDS = (KIND,)
_HREF = re.compile(r'href="([^"]*)"')


def link(campaign_id, path="/"):
    """A link into the shop that records the campaign when followed (the landing page)."""
    return url_for("campaigns.landing", c=campaign_id, to=path, _external=True)


def _through_landing(html, campaign_id):
    """The merchant's links to the shop's own pages, sent through the landing page; links
    elsewhere are left as they are."""
    base = (current_app.config.get("SHOP_URL") or "").rstrip("/")
    own = urlsplit(base).netloc

    def swap(match):
        href = match.group(1).replace("&amp;", "&")
        parts = urlsplit(href)
        if href.startswith("/") and not href.startswith("//"):
            path = href
        elif parts.scheme in ("http", "https") and own and parts.netloc == own:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        else:
            return match.group(0)
        return 'href="%s"' % link(campaign_id, path).replace("&", "&amp;")
    return _HREF.sub(swap, html)


def _as_text(html):
    """The plain-text part from the sanitised HTML: links written out, one block a paragraph."""
    html = re.sub(r'<a href="([^"]*)"[^>]*>(.*?)</a>', r"\2 (\1)", html, flags=re.S)
    html = re.sub(r"<li>", "- ", html)
    html = re.sub(r"</(p|li|h[2-6]|blockquote|pre|tr)>|<br ?/?>|<hr ?/?>", "\n", html)
    text = htmllib.unescape(nh3.clean(html, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def unsubscribe_link(message):
    """The message's signed unsubscribe link, naming the campaign."""
    data = message.data or {}
    return url_for("privacy.unsubscribe", _external=True, c=data.get("campaign_id"),
                   token=consent.unsubscribe_token(message.to_address,
                                                   current_app.config["SECRET_KEY"]))


def headers(message):
    return consent.unsubscribe_headers(unsubscribe_link(message))


def _offer(coupon, config):
    """The exclusive code as the code partial (emails/_code.*) shows it, or None."""
    if coupon is None:
        return None
    last = (coupon.ends_at - timedelta(microseconds=1)).astimezone(config.zone).date() \
        if coupon.ends_at else None
    return SimpleNamespace(code=coupon.code, kind=coupon.kind, value=coupon.value,
                           last_day=last, currency=config.currency)


def context(message):
    """The subject and context of a campaign's email; call in the message's locale."""
    data = message.data or {}
    campaign = db.session.get(Campaign, data.get("campaign_id") or 0)
    if campaign is None:
        raise ValueError(f"message {message.id} ({message.kind}) has no campaign")
    config = shop()
    subject, body_html, _md = campaigns.content(campaign, message.locale or "en",
                                                config.main_language)
    coupon = db.session.get(Coupon, campaign.coupon_id) if campaign.coupon_id else None
    # Advertising under Korean law: the Korean subject starts with "(광고)".
    subject = _("(Ad) %(subject)s", subject=subject)
    if data.get("test"):
        subject = _("[Test] %(subject)s", subject=subject)
    body_html = _through_landing(body_html, campaign.id)
    return {"subject": subject, "test": bool(data.get("test")),
            "body_html": body_html, "body_text": _as_text(body_html),
            "shop_link": link(campaign.id, "/"),
            "offer": _offer(coupon, config),
            "unsubscribe_url": unsubscribe_link(message)}


def is_test(message):
    """A test the merchant sent to themself from the campaign's page: it goes to the signed-in
    owner who asked for it, not to a subscriber, so it needs no marketing consent."""
    return message.kind in KINDS and bool((message.data or {}).get("test"))
