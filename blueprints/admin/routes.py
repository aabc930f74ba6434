"""Back office. Every address under /admin is for the shop's people only, and each role opens
what blueprints/backoffice.py allows it: the guard below runs first, for whichever blueprint
serves the address."""
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from domain import checkout_reminders, golive, mailer, products, returns, scorecard
from domain.helpdesk import figures as reply_figures
from domain.helpdesk import inbox
from domain.reviews import queue as review_queue

from ..common import shop
from ..health.context import report as health_report
from ..htmx import render
from ..server_errors import counts as server_error_counts
from ..templating import now
from .. import backoffice as access
from . import bp


@bp.before_app_request
def merchants_only():
    """Anonymous visitors are sent to sign in; signed-in customers get 403, and so does staff
    on a page that is the owner's (access.may_open)."""
    if request.url_rule is None or not access.in_back_office(request.path):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("account.login", next=request.full_path.rstrip("?")), code=303)
    if not current_user.is_merchant:
        abort(403)
    if not access.may_open(current_user.staff_role, request.path, request.method):
        abort(403)
    return None


@bp.get("/")
def dashboard():
    config = shop()
    # Staff read the dashboard, but its money figures are the owner's, like the coupons
    # pages (revenue and discounts given): shown to whoever may open the settings.
    money = access.may_open(current_user.staff_role, url_for(".settings"))
    counts, low_stock = products.inventory_overview(config.low_stock_threshold)
    return render("admin/dashboard.html", counts=counts, low_stock=low_stock,
                  returns_waiting=returns.waiting_count(), refunds_overdue=returns.overdue_count(now()),
                  reviews_waiting=review_queue.waiting_count(),
                  emails_unbuildable=mailer.unbuildable_count(),
                  mail_failing=mailer.failing_too_long(now()),
                  no_shipping=not config.shipping_methods,
                  no_default_shipping=bool(config.shipping_methods) and not config.methods_for(),
                  shop_url_elsewhere=_shop_url_elsewhere(),
                  checklist=golive.checklist(config, _serving(), now()), fix_links=_fix_links(),
                  health=health_report(), help_desk=inbox.figures(now()),
                  reply_times=reply_figures.reply_times(now(), config.schedule),
                  checkouts=checkout_reminders.figures(now()),
                  server_errors=server_error_counts(current_app).since(now()),
                  card=scorecard.build(now(), config, money=money))


def _serving():
    app = current_app.config
    return golive.Serving(secure_request=request.is_secure, shop_url=app["SHOP_URL"],
                          smtp_url=app.get("SMTP_URL") or "", backup_dir=app["BACKUP_FOLDER"])


def _fix_links():
    """Where each checklist item is set up in the back office; the others are set where the
    shop is deployed (the item says how)."""
    return {"mail": url_for(".outbox"), "worker": url_for(".outbox"),
            "contact": url_for(".settings"), "business": url_for(".settings", _anchor="business"),
            "returns": url_for(".return_rules"),
            "privacy": url_for(".policy_page", name="privacy"),
            "terms": url_for(".policy_page", name="terms"),
            "test_mode": url_for(".settings", _anchor="payments")}


def _shop_url_elsewhere():
    """SHOP_URL when it is not the address the merchant is using now: emailed links (tracking
    pages, password resets) would lead customers somewhere else."""
    configured = current_app.config["SHOP_URL"]
    here = urlsplit(request.host_url)
    there = urlsplit(configured)
    same = (there.scheme, (there.netloc or "").lower()) == (here.scheme, here.netloc.lower())
    return None if same else configured
