"""Back office: "You said, we did" change notes, linked to the reviews and returns that
prompted them, and the one email to those customers (domain/reviews/changes.py)."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from domain.extensions import db
from domain.models import ChangeNote, Product, Review, ReturnLine
from domain.reviews import changes

from ..common import shop
from ..htmx import render
from ..templating import now
from . import bp
from .faq_forms import add_faq_errors
from .forms import EmptyForm, fill_translations, translations_data
from .review_forms import ChangeNoteForm

# The products the form offers: those with reviews or returns (what a note answers), by title.
PRODUCT_CHOICES = 500


def _products_with_feedback():
    with_feedback = db.select(Review.product_id).union(
        db.select(ReturnLine.product_id).where(ReturnLine.product_id.is_not(None)))
    return db.session.execute(
        db.select(Product.id, Product.title).where(Product.id.in_(with_feedback))
        .order_by(Product.title, Product.id).limit(PRODUCT_CHOICES)).all()


def _form(product_id, **kwargs):
    form = ChangeNoteForm(**kwargs)
    products = _products_with_feedback()
    if product_id and product_id not in {pid for pid, _title in products}:
        chosen = db.session.get(Product, product_id)
        if chosen is not None:
            products = [(chosen.id, chosen.title), *products]
    form.product_id.choices = [SelectChoice(pid, title) for pid, title in products]
    reviews, returns = changes.candidates(product_id)
    form.review_ids.choices = [
        SelectChoice(r.id, _("%(stars)d★ “%(title)s” by %(name)s", stars=r.rating, title=r.title or "…",
                 name=r.author_name or _("a customer"))) for r in reviews]
    form.return_ids.choices = [SelectChoice(r.id, f"{r.number} · {r.created_at:%Y-%m-%d}")
                               for r in returns]
    return form


def _today():
    return changes.today_in(shop().zone, now())


@bp.get("/changes")
def change_notes():
    product_id = request.args.get("product_id", type=int)
    return render("admin/change_notes.html", notes=changes.recent(request.args.get("page", 1)),
                  products=_products_with_feedback(), chosen=product_id,
                  empty_form=EmptyForm(formdata=None))


def _edit(note, form, product_id, status=200):
    return render("admin/change_note.html", note=note, form=form, product_id=product_id,
                  status=status)


@bp.get("/changes/new")
def change_note_new():
    product_id = request.args.get("product_id", type=int)
    if product_id is None or db.session.get(Product, product_id) is None:
        return redirect(url_for(".change_notes"), code=303)
    form = _form(product_id, formdata=None, data={"product_id": product_id, "notify": True})
    return _edit(None, form, product_id)


def _save(note):
    product_id = request.form.get("product_id", type=int)
    form = _form(product_id)
    if not form.validate_on_submit():
        return _edit(note, form, product_id, status=422)
    try:
        note = changes.save(note, product_id=form.product_id.data, text=form.text.data,
                            translations=translations_data(form), changed_on=form.changed_on.data,
                            review_ids=form.review_ids.data, return_ids=form.return_ids.data,
                            today=_today(), main_language=shop().main_language)
    except changes.InvalidChangeNote as error:
        return _edit(note, add_faq_errors(form, error), product_id, status=422)
    told = changes.notify_customers(note, now()) if form.notify.data else 0
    flash(_("The change note is saved and shown on the product page.") + (
        " " + _("%(num)d customers who agreed to our emails will be told.", num=told)
        if told else ""), "success")
    return redirect(url_for(".change_notes"), code=303)


@bp.post("/changes/new")
def change_note_create():
    return _save(None)


# One rule for both methods, so an unknown id answers 404 to either.
@bp.route("/changes/<id:note_id>", methods=["GET", "POST"])
def change_note(note_id):
    note = db.get_or_404(ChangeNote, note_id)
    if request.method == "POST":
        return _save(note)
    form = _form(note.product_id, formdata=None, obj=note)
    fill_translations(form, note)
    return _edit(note, form, note.product_id)


@bp.post("/changes/<id:note_id>/delete")
def change_note_delete(note_id):
    note = db.get_or_404(ChangeNote, note_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    changes.delete(note)
    flash(_("The change note was deleted."), "success")
    return redirect(url_for(".change_notes"), code=303)
