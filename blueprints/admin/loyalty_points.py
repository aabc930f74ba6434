"""The owner's points and tiers settings: /admin/loyalty/points (earn rate, point value, expiry,
tier basis) and its tiers (add, edit, delete). Every rule and message is in domain/loyalty."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField

from domain.errors import ShopError
from domain.loyalty import earning, settings as loyalty_settings, tiers
from domain.money import to_input
from domain.settings import InvalidSettings

from ..common import number_locale, shop
from ..htmx import render
from ..templating import now
from . import bp
from .forms import add_domain_errors


class PointsSettingsForm(FlaskForm):
    earn_points = StringField(_l("Points earned"),
                              description=_l("0 turns points off: nothing is earned or shown."))
    earn_per = StringField(_l("For every amount paid"),
                           description=_l("Paid for goods after discounts, tax included."))
    point_value = StringField(_l("What one point is worth at checkout"))
    points_expiry_months = StringField(
        _l("Months until vested points expire"),
        description=_l("0: never. Customers are emailed once, 30 days before. A change "
                       "applies to points already available too, never sooner than 30 days "
                       "from now."))
    tier_basis = RadioField(_l("Tiers count"), choices=[
        SelectChoice("spend", _l("What was spent in the last 12 months")),
        SelectChoice("orders", _l("Delivered orders in the last 12 months"))],
        default="spend", validate_choice=False)

    def values(self):
        return {name: self[name].data for name in ("earn_points", "earn_per", "point_value",
                                                   "points_expiry_months", "tier_basis")}


class TierForm(FlaskForm):
    name_en = StringField(_l("Name in English"))
    name_ko = StringField(_l("Name in Korean"))
    min_orders = StringField(_l("Delivered orders needed in 12 months"),
                             description=_l("Counts when tiers count orders; 0 for the starting tier."))
    min_spend = StringField(_l("Spend needed in 12 months"),
                            description=_l("Counts when tiers count spend; 0 for the starting tier."))
    extra_percent = StringField(_l("Extra points (%)"),
                                description=_l("50 earns half as many points again."))
    birthday_points = StringField(_l("Birthday bonus points"))
    free_shipping = BooleanField(_l("Free shipping"))
    early_access = BooleanField(_l("Early access to products marked for it"))

    def values(self):
        return {name: self[name].data for name in (
            "name_en", "name_ko", "min_orders", "min_spend", "extra_percent", "birthday_points",
            "free_shipping", "early_access")}


def _defaults():
    """What the form shows: the saved row, or the defaults before anything was saved (a page
    view writes nothing)."""
    row = loyalty_settings.peek()
    currency = shop().currency
    if row is None:
        return {"earn_points": "0", "earn_per": to_input(100, currency, number_locale()),
                "point_value": to_input(1, currency, number_locale()),
                "points_expiry_months": "0", "tier_basis": "spend"}
    return {"earn_points": str(row.earn_points),
            "earn_per": to_input(row.earn_per, currency, number_locale()),
            "point_value": to_input(row.point_value, currency, number_locale()),
            "points_expiry_months": str(row.points_expiry_months), "tier_basis": row.tier_basis}


def _page(form=None, status=200):
    return render("admin/loyalty_points.html", status=status,
                  form=form or PointsSettingsForm(formdata=None, data=_defaults()),
                  tiers=loyalty_settings.tiers(), config=loyalty_settings.peek(),
                  delete_form=FlaskForm())


@bp.get("/loyalty/points")
def loyalty_points():
    return _page()


@bp.post("/loyalty/points")
def loyalty_points_save():
    form = PointsSettingsForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        earning.save_settings(form.values(), shop().currency, number_locale(), now=now())
    except InvalidSettings as error:
        return _page(add_domain_errors(form, error), status=422)
    flash(_("Points settings saved."), "success")
    return redirect(url_for(".loyalty_points"), code=303)


def _tier_page(form, tier=None, status=200):
    return render("admin/loyalty_tier.html", status=status, form=form, tier=tier)


def _tier_or_404(tier_id):
    from flask import abort
    from domain.extensions import db
    from domain.models import LoyaltyTier
    tier = db.session.get(LoyaltyTier, tier_id)
    if tier is None:
        abort(404)
    return tier


@bp.get("/loyalty/points/tiers/new")
def loyalty_tier_new():
    return _tier_page(TierForm(formdata=None, data={"min_orders": "0", "min_spend": "0",
                                                    "extra_percent": "0",
                                                    "birthday_points": "0"}))


@bp.get("/loyalty/points/tiers/<id:tier_id>")
def loyalty_tier(tier_id):
    tier = _tier_or_404(tier_id)
    currency = shop().currency
    return _tier_page(TierForm(formdata=None, data={
        "name_en": tier.name_en, "name_ko": tier.name_ko, "min_orders": str(tier.min_orders),
        "min_spend": to_input(tier.min_spend, currency, number_locale()),
        "extra_percent": str(tier.extra_points_bp // 100),
        "birthday_points": str(tier.birthday_points), "free_shipping": tier.free_shipping,
        "early_access": tier.early_access}), tier)


def _save_tier(tier_id):
    tier = _tier_or_404(tier_id) if tier_id is not None else None
    form = TierForm()
    if not form.validate_on_submit():
        return _tier_page(form, tier, status=422)
    try:
        tiers.save_tier(tier_id, form.values(), shop().currency, number_locale())
    except InvalidSettings as error:
        return _tier_page(add_domain_errors(form, error), tier, status=422)
    flash(_("Tier saved. Customers move into it at the next nightly check, or sooner when "
            "their points vest."), "success")
    return redirect(url_for(".loyalty_points"), code=303)


@bp.post("/loyalty/points/tiers/new")
def loyalty_tier_add():
    return _save_tier(None)


@bp.post("/loyalty/points/tiers/<id:tier_id>")
def loyalty_tier_save(tier_id):
    return _save_tier(tier_id)


@bp.post("/loyalty/points/tiers/<id:tier_id>/delete")
def loyalty_tier_delete(tier_id):
    _tier_or_404(tier_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        return _page(status=422)
    try:
        tiers.delete_tier(tier_id)
    except ShopError as error:
        flash(str(error), "error")
        return redirect(url_for(".loyalty_points"), code=303)
    flash(_("Tier deleted."), "success")
    return redirect(url_for(".loyalty_points"), code=303)
