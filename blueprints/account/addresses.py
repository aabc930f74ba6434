"""Saved addresses: list, add, edit, delete, make default. Only the owner's: any other id is 404."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from domain import addresses
from domain.errors import InvalidAddress, NotFound

from ..common import shop
from ..htmx import render
from . import bp
from .forms import AddressForm, EmptyForm


def _regions():
    """The regions the shop ships to, its default region first."""
    config = shop()
    regions = list(config.regions) or [config.default_region]
    if config.default_region in regions:
        regions.remove(config.default_region)
        regions.insert(0, config.default_region)
    return regions


def _form(address=None):
    form = AddressForm(obj=address)
    choices = _regions()
    # An address saved for a region no longer served still shows its region (and is refused
    # on saving, with a message) rather than silently switching to another.
    if address is not None and address.region and address.region not in choices:
        choices.append(address.region)
    form.region.choices = [(region, region) for region in choices]
    return form


def _own(address_id):
    try:
        return addresses.get_for(current_user.id, address_id)
    except NotFound:
        abort(404)


def _show(form, address=None):
    status = 422 if request.method == "POST" else 200
    return render("account/address_form.html", block="form", form=form, address=address,
                  status=status)


def _refused(form, error):
    for name, message in error.fields.items():
        getattr(form, name).errors = list(getattr(form, name).errors) + [message]
    form.form_errors.append(str(error))


@bp.get("/addresses")
@login_required
def address_list():
    return render("account/addresses.html", addresses=addresses.list_for(current_user.id),
                  form=EmptyForm())


@bp.route("/addresses/new", methods=["GET", "POST"])
@login_required
def address_new():
    form = _form()
    if form.validate_on_submit():
        try:
            addresses.add(current_user.id, form.data, _regions())
        except InvalidAddress as error:
            _refused(form, error)
        else:
            flash(_("Address saved."), "success")
            return redirect(url_for(".address_list"), code=303)
    return _show(form)


@bp.route("/addresses/<id:address_id>/edit", methods=["GET", "POST"])
@login_required
def address_edit(address_id):
    address = _own(address_id)
    form = _form(address)
    if form.validate_on_submit():
        try:
            addresses.update(current_user.id, address.id, form.data, _regions())
        except InvalidAddress as error:
            _refused(form, error)
        else:
            flash(_("Address saved."), "success")
            return redirect(url_for(".address_list"), code=303)
    return _show(form, address)


@bp.post("/addresses/<id:address_id>/delete")
@login_required
def address_delete(address_id):
    if EmptyForm().validate_on_submit():
        try:
            addresses.delete(current_user.id, address_id)
        except NotFound:
            abort(404)
        flash(_("Address deleted."), "success")
    return redirect(url_for(".address_list"), code=303)


@bp.post("/addresses/<id:address_id>/default")
@login_required
def address_default(address_id):
    if EmptyForm().validate_on_submit():
        try:
            addresses.make_default(current_user.id, address_id)
        except NotFound:
            abort(404)
        flash(_("Default address changed."), "success")
    return redirect(url_for(".address_list"), code=303)
