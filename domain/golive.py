"""Is the shop ready for real customers? The dashboard's go-live checklist: one item for each
thing a merchant sets up before the shop's pages are true and its orders safe, each done or
still to do, with what is missing in words.
"""
import ipaddress
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from babel.dates import format_date, format_timedelta
from flask_babel import get_locale
from flask_babel import gettext as _

from . import business, heartbeat
from .extensions import db
from .models import PolicyPage

WORKER_SILENT_AFTER = heartbeat.SILENT_AFTER
BACKUP_MAX_AGE = timedelta(hours=24)
POLICY_MAX_AGE = timedelta(days=365)


@dataclass(frozen=True)
class Serving:
    """How the shop is reached and set up, as the web layer and the configuration know it."""
    secure_request: bool
    shop_url: str
    smtp_url: str
    backup_dir: str


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    done: bool
    detail: str


def checklist(config, serving, now):
    """The items in the order a merchant would work through them. The business information
    item is there only for shops selling in won, the ones Korean law asks it of."""
    items = [_https(serving), _shop_url(serving), _mail(serving), _worker(now), _contact(config)]
    if config.currency == "KRW":
        items.append(_business(config))
    items.append(_returns(config))
    pages = {page.name: page for page in db.session.scalars(db.select(PolicyPage))}
    items += [_policy("privacy", _("Privacy policy"), pages.get("privacy"), config, now),
              _policy("terms", _("Terms of service"), pages.get("terms"), config, now),
              _backup(serving, now), _test_mode(config)]
    return items


def _locale():
    return str(get_locale() or "en")


def _ago(delta):
    """'3 minutes ago', in the merchant's language."""
    return format_timedelta(-max(delta, timedelta(0)), threshold=1, add_direction=True,
                            locale=_locale())


def _https(serving):
    plain_request = not serving.secure_request
    plain_links = not serving.shop_url.lower().startswith("https://")
    if plain_request and plain_links:
        detail = _("You are using the shop over plain HTTP, and SHOP_URL starts with http://: "
                   "passwords, addresses and emailed links travel unencrypted. Serve the shop "
                   "behind a TLS proxy with TRUST_PROXY=1 and an https:// SHOP_URL.")
    elif plain_request:
        detail = _("You are using the shop over plain HTTP. Serve it behind a TLS proxy; if a "
                   "proxy already serves HTTPS, set TRUST_PROXY=1 so the shop can tell.")
    elif plain_links:
        detail = _("SHOP_URL starts with http://, so emailed links open the shop unencrypted. "
                   "Set it to the https:// address.")
    else:
        detail = _("Served over HTTPS, and emailed links use https://.")
    return Item("https", _("HTTPS"), not (plain_request or plain_links), detail)


def _loopback(host):
    if host in ("localhost", ""):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.endswith(".localhost")
    return address.is_loopback or address.is_unspecified


def _shop_url(serving):
    host = (urlsplit(serving.shop_url).hostname or "").lower()
    if _loopback(host):
        return Item("shop_url", _("The shop's address"), False, _(
            "SHOP_URL is %(url)s, which only this computer can open: links in emails (order "
            "tracking, password resets) would not work for customers. Set SHOP_URL to the "
            "address customers use.", url=serving.shop_url))
    return Item("shop_url", _("The shop's address"), True,
                _("Links in emails lead to %(url)s.", url=serving.shop_url))


def _mail(serving):
    if serving.smtp_url:
        return Item("mail", _("Email"), True, _("Emails are sent through your mail server."))
    return Item("mail", _("Email"), False, _(
        "Emails are saved as files in the instance/outbox folder instead of being sent. Set "
        "SMTP_URL to your mail server."))


def _worker(now):
    seen = heartbeat.last_seen()
    if seen is None:
        return Item("worker", _("Mail worker"), False, _(
            "The worker has not run yet: no email is sent and unpaid bank transfers do not "
            "expire. Start it with make worker (make run starts one)."))
    silent = now - seen
    if silent > WORKER_SILENT_AFTER:
        return Item("worker", _("Mail worker"), False, _(
            "Worker last seen %(ago)s: it seems to have stopped, so emails wait. Start it "
            "again with make worker.", ago=_ago(silent)))
    if silent < timedelta(minutes=1):
        return Item("worker", _("Mail worker"), True, _("Worker last seen less than a minute ago."))
    return Item("worker", _("Mail worker"), True,
                _("Worker last seen %(ago)s.", ago=_ago(silent)))


def _missing(labels):
    return _("Missing: %(fields)s.", fields=", ".join(labels))


def _contact(config):
    # The hours are data now (the business hours page), not a line of free text: they are set
    # once any weekday has an opening.
    missing = [label for value, label in ((config.email, _("email")), (config.phone, _("phone")),
                                          (not config.schedule.always_open, _("business hours")))
               if not value]
    if missing:
        return Item("contact", _("Contact details and hours"), False, _missing(missing))
    return Item("contact", _("Contact details and hours"), True,
                _("Shown at the foot of every page."))


def _business(config):
    missing = business.missing(config.business, config.email, config.phone, config.address)
    if missing:
        return Item("business", _("Business information"), False, _missing(missing))
    return Item("business", _("Business information"), True, _(
        "Shown at the foot of every page, with a link to check it with the Fair Trade "
        "Commission."))


def _returns(config):
    if config.return_rules_confirmed:
        return Item("returns", _("Return rules"), True, _(
            "Confirmed: product pages and the returns policy state them."))
    return Item("returns", _("Return rules"), False, _(
        "Not confirmed yet: product pages only link to the returns policy, which says you have "
        "not set your rules. Review the suggested rules and confirm them."))


def _policy(key, title, page, config, now):
    if page is None or not page.body_md.strip():
        return Item(key, title, False, _("Not written yet: the page tells shoppers so."))
    day = format_date(page.updated_at.astimezone(config.zone), "medium", locale=_locale())
    if now - page.updated_at > POLICY_MAX_AGE:
        return Item(key, title, False, _(
            "Last updated on %(date)s, over a year ago: check that it still says what you do.",
            date=day))
    return Item(key, title, True, _("Last updated on %(date)s.", date=day))


def newest_backup(folder):
    """(path, modified at) of the newest file in the backups folder, or None. Any finished
    file counts: make backup's shop-*.tar.gz archives, or a copy of the merchant's own."""
    try:
        entries = [entry for entry in os.scandir(folder)
                   if entry.is_file() and not entry.name.endswith(".tmp")]
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not entries:
        return None
    newest = max(entries, key=lambda entry: entry.stat().st_mtime)
    return newest.path, datetime.fromtimestamp(newest.stat().st_mtime, timezone.utc)


def _backup(serving, now):
    found = newest_backup(serving.backup_dir)
    if found is None:
        return Item("backup", _("Daily backup"), False, _(
            "No backup in %(folder)s yet. Run make backup every day: the systemd timer in "
            "deploy/moonjar-backup.timer does it and keeps 14 days.", folder=serving.backup_dir))
    path, when = found
    if now - when > BACKUP_MAX_AGE:
        return Item("backup", _("Daily backup"), False, _(
            "The newest backup, %(name)s, was made %(ago)s. Run make backup every day (from "
            "cron).", name=os.path.basename(path), ago=_ago(now - when)))
    return Item("backup", _("Daily backup"), True, _(
        "The newest backup, %(name)s, was made %(ago)s.", name=os.path.basename(path),
        ago=_ago(now - when)))


def _test_mode(config):
    if config.test_mode:
        return Item("test_mode", _("Test mode off"), False, _(
            "PAYMENTS_TEST_MODE is set: checkout offers “Card (test mode)”, whose orders are marked "
            "paid although no money moves, and every page says no real payments are taken. Unset "
            "it and restart the shop."))
    return Item("test_mode", _("Test mode off"), True,
                _("Checkout offers only real ways to pay."))
