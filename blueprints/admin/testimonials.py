"""Back office: testimonials and press mentions the merchant enters, shown on the home page
apart from verified reviews (domain/reviews/testimonials.py)."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from domain.extensions import db
from domain.models import Testimonial
from domain.reviews import changes, testimonials

from ..common import shop
from ..htmx import render
from ..templating import now
from . import bp
from .faq_forms import add_faq_errors
from .forms import EmptyForm
from .review_forms import TestimonialForm


def _page(form=None, editing=None, status=200):
    return render("admin/testimonials.html", rows=testimonials.all_entered(),
                  form=form or TestimonialForm(formdata=None, obj=editing), editing=editing,
                  empty_form=EmptyForm(formdata=None), status=status)


@bp.get("/testimonials")
def testimonials_page():
    editing = None
    if request.args.get("edit", type=int):
        editing = db.get_or_404(Testimonial, request.args.get("edit", type=int))
    return _page(editing=editing)


def _save(testimonial):
    form = TestimonialForm()
    if not form.validate_on_submit():
        return _page(form, testimonial, status=422)
    try:
        testimonials.save(testimonial, kind=form.kind.data, quote=form.quote.data,
                          name=form.name.data, source=form.source.data,
                          said_on=form.said_on.data,
                          today=changes.today_in(shop().zone, now()))
    except testimonials.InvalidTestimonial as error:
        return _page(add_faq_errors(form, error), testimonial, status=422)
    flash(_("Saved: it shows on the home page, labelled as chosen by the shop."), "success")
    return redirect(url_for(".testimonials_page"), code=303)


@bp.post("/testimonials")
def testimonial_create():
    return _save(None)


@bp.post("/testimonials/<id:testimonial_id>")
def testimonial_update(testimonial_id):
    return _save(db.get_or_404(Testimonial, testimonial_id))


@bp.post("/testimonials/<id:testimonial_id>/delete")
def testimonial_delete(testimonial_id):
    testimonial = db.get_or_404(Testimonial, testimonial_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    testimonials.delete(testimonial)
    flash(_("The testimonial was deleted."), "success")
    return redirect(url_for(".testimonials_page"), code=303)
