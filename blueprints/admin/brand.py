"""Back office: the shop's brand (logo, accent colour, About page, social profiles). Owner only."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _

from domain import brand, storage
from domain.errors import ShopError

from ..common import shop
from ..htmx import render
from . import bp
from .brand_forms import BrandForm, LogoForm
from .forms import EmptyForm, add_domain_errors

PAGE = "admin/brand.html"


def _page(form=None, logo_form=None, status=200):
    config = shop()
    return render(PAGE, form=form or BrandForm.from_config(config),
                  logo_form=logo_form or LogoForm(formdata=None), networks=brand.NETWORKS,
                  empty_form=EmptyForm(formdata=None), status=status)


@bp.get("/brand")
def brand_page():
    return _page()


@bp.post("/brand")
def brand_save():
    form = BrandForm()
    if form.validate_on_submit():
        try:
            brand.save_brand(**form.values())
        except ShopError as error:
            return _page(form=add_domain_errors(form, error), status=422)
        flash(_("Brand saved."), "success")
        return redirect(url_for(".brand_page"), code=303)
    return _page(form=form, status=422)


@bp.post("/brand/logo")
def brand_logo():
    form = LogoForm()
    if form.validate_on_submit():
        try:
            brand.save_logo(form.logo.data.read(), storage.product_photos())
        except ShopError as error:
            form.logo.errors.append(str(error))
        else:
            flash(_("The logo was saved."), "success")
            return redirect(url_for(".brand_page"), code=303)
    return _page(logo_form=form, status=422)


@bp.post("/brand/logo/remove")
def brand_logo_remove():
    if EmptyForm().validate_on_submit():
        brand.remove_logo()
        flash(_("The logo was removed: the header shows the shop's name."), "success")
    return redirect(url_for(".brand_page"), code=303)
