"""Back office: coupons. The list with each coupon's uses, revenue and discount given (batch
codes apart, one line per batch), create and edit with every condition, pause and resume,
batches of single-use codes and their CSV, and the orders that used a coupon. The rules are in
domain/loyalty/coupon_admin.py; every page here is the owner's (backoffice.py)."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale, gettext as _
from sqlalchemy import or_

from domain.extensions import db
from domain.loyalty import coupon_admin
from domain.loyalty import settings as loyalty_settings
from domain.models import Category, Coupon, Product

from ..common import number_locale, shop
from ..htmx import render
from ..templating import now
from . import bp
from .coupon_forms import BatchForm, CouponForm
from .downloads import csv_download
from .forms import EmptyForm, add_domain_errors


def _choices(form):
    """The form with its pick lists: products for sale or in draft (an archived one only when
    chosen already), categories, tiers."""
    chosen = [int(i) for i in (form.product_ids.data or []) if str(i).isdigit()]
    products = db.session.scalars(
        db.select(Product).where(or_(Product.status != "archived", Product.id.in_(chosen)))
        .order_by(Product.title, Product.id)).all()
    categories = db.session.scalars(db.select(Category).order_by(Category.position,
                                                                 Category.name)).all()
    return form.set_choices(products, categories, loyalty_settings.tiers(), str(get_locale()))


def _money_args():
    config = shop()
    return {"currency": config.currency, "timezone": config.timezone, "locale": number_locale()}


@bp.get("/coupons")
def coupons():
    view = request.args.get("view", "all")
    view = view if view in coupon_admin.VIEWS else "all"
    page = request.args.get("page", 1)
    if view == "batches":
        results = coupon_admin.batches(page)
    else:
        results = coupon_admin.listing(view, page, now())
    return render("admin/coupons.html", results=results, view=view, now=now(),
                  state=coupon_admin.state, pause_form=EmptyForm(formdata=None))


def _edit_page(form, coupon=None, status=200):
    figures = coupon_admin.figures(coupon) if coupon else None
    return render("admin/coupon_form.html", form=form, coupon=coupon, figures=figures,
                  pause_form=EmptyForm(formdata=None), status=status)


@bp.get("/coupons/new")
def coupon_new():
    return _edit_page(_choices(CouponForm(formdata=None)))


# One rule for both methods: an id out of range is then a 404 for both (two rules of one
# address, one per method, answer a POST with 405 when the id converter refuses it).
@bp.route("/coupons/<id:coupon_id>", methods=["GET", "POST"])
def coupon_edit(coupon_id):
    coupon = db.get_or_404(Coupon, coupon_id)
    if request.method == "POST":
        return _save(coupon)
    data = coupon_admin.form_values(coupon, **_money_args())
    data["starts_on"] = data["starts_on"].isoformat() if data["starts_on"] else ""
    data["ends_on"] = data["ends_on"].isoformat() if data["ends_on"] else ""
    data["product_ids"] = [str(i) for i in data["product_ids"]]
    data["category_ids"] = [str(i) for i in data["category_ids"]]
    return _edit_page(_choices(CouponForm(formdata=None, data=data)), coupon)


def _save(coupon):
    form = _choices(CouponForm())
    if not form.validate_on_submit():
        return _edit_page(form, coupon, status=422)
    try:
        coupon = coupon_admin.save(coupon, form.values(), now=now(), **_money_args())
    except coupon_admin.InvalidCoupon as error:
        return _edit_page(add_domain_errors(form, error), coupon, status=422)
    flash(_("The coupon %(code)s is saved.", code=coupon.code), "success")
    return redirect(url_for(".coupons"), code=303)


@bp.post("/coupons/new")
def coupon_create():
    return _save(None)


def _set_paused(coupon_id, paused):
    coupon = db.get_or_404(Coupon, coupon_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    coupon_admin.set_paused(coupon, paused, now())
    flash(_("The coupon %(code)s is paused: checkout refuses it until you resume it.",
            code=coupon.code) if paused
          else _("The coupon %(code)s is working again.", code=coupon.code), "success")
    back = request.form.get("back", "")
    return redirect(url_for(".coupon_edit", coupon_id=coupon.id) if back == "edit"
                    else url_for(".coupons"), code=303)


@bp.post("/coupons/<id:coupon_id>/pause")
def coupon_pause(coupon_id):
    return _set_paused(coupon_id, True)


@bp.post("/coupons/<id:coupon_id>/resume")
def coupon_resume(coupon_id):
    return _set_paused(coupon_id, False)


@bp.get("/coupons/<id:coupon_id>/orders")
def coupon_orders(coupon_id):
    coupon = db.get_or_404(Coupon, coupon_id)
    return render("admin/coupon_orders.html", coupon=coupon,
                  figures=coupon_admin.figures(coupon),
                  results=coupon_admin.orders(coupon, request.args.get("page", 1)))


def _batch_page(form, status=200):
    return render("admin/coupon_batch.html", form=form, status=status)


@bp.get("/coupons/batch")
def coupon_batch():
    return _batch_page(_choices(BatchForm(formdata=None)))


@bp.post("/coupons/batch")
def coupon_batch_create():
    form = _choices(BatchForm())
    if not form.validate_on_submit():
        return _batch_page(form, status=422)
    values = form.values()
    try:
        made = coupon_admin.generate_batch(
            values, count=values.pop("count"), prefix=values.pop("prefix"),
            batch=values.pop("batch"), now=now(), **_money_args())
    except coupon_admin.InvalidCoupon as error:
        return _batch_page(add_domain_errors(form, error), status=422)
    flash(_("%(num)d single-use codes were made in the batch %(name)s.", num=made,
            name=form.batch.data.strip()), "success")
    return redirect(url_for(".coupons", view="batches"), code=303)


@bp.get("/coupons/batch/<batch>.csv")
def coupon_batch_csv(batch):
    found = coupon_admin.batch_csv(batch)
    if found is None:
        abort(404)
    header, rows = found
    return csv_download(f"coupons-{batch}.csv", header, rows)
