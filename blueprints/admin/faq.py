"""Back office: the help page's questions and answers, and their topics."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from domain import faq
from domain.extensions import db
from domain.models import FaqCategory, FaqEntry

from ..htmx import render
from . import bp
from .faq_forms import FaqCategoryForm, add_faq_errors, entry_form
from .forms import fill_translations, translations_data

LIST = "admin/faq.html"
EDIT = "admin/faq_entry.html"


def _list(new_category=None, failed=None, error=None, status=200):
    """Topics with their questions; `failed` is (category id, form) to show as sent."""
    listed = faq.categories(published_only=False)
    rows = []
    for category, entries in listed:
        if failed and failed[0] == category.id:
            form = failed[1]
        else:
            form = FaqCategoryForm(formdata=None, obj=category)
            fill_translations(form, category)
        rows.append((category, entries, form))
    return render(LIST, rows=rows, new_category=new_category or FaqCategoryForm(formdata=None),
                  missing=faq.missing_generated(), generated=faq.generated.ANSWERS,
                  error=error, status=status)


@bp.get("/faq")
def faq_list():
    return _list()


@bp.post("/faq/generated")
def faq_add_generated():
    added = faq.add_generated()
    flash(_("%(num)d answers generated from your rules were added to the help page.",
            num=len(added)), "success")
    return redirect(url_for(".faq_list"), code=303)


@bp.post("/faq/topics")
def faq_category_create():
    form = FaqCategoryForm()
    if form.validate_on_submit():
        try:
            category = faq.save_category(None, form.name.data, form.position.data,
                                         translations_data(form))
        except faq.InvalidFaq as error:
            return _list(new_category=add_faq_errors(form, error), status=422)
        flash(_("Topic “%(name)s” was added.", name=category.name), "success")
        return redirect(url_for(".faq_list"), code=303)
    return _list(new_category=form, status=422)


@bp.post("/faq/topics/<id:category_id>")
def faq_category_update(category_id):
    category = db.get_or_404(FaqCategory, category_id)
    form = FaqCategoryForm()
    if form.validate_on_submit():
        try:
            faq.save_category(category, form.name.data, form.position.data,
                              translations_data(form))
        except faq.InvalidFaq as error:
            return _list(failed=(category_id, add_faq_errors(form, error)), status=422)
        flash(_("Topic “%(name)s” was saved.", name=category.name), "success")
        return redirect(url_for(".faq_list"), code=303)
    return _list(failed=(category_id, form), status=422)


@bp.post("/faq/topics/<id:category_id>/delete")
def faq_category_delete(category_id):
    category = db.get_or_404(FaqCategory, category_id)
    try:
        faq.delete_category(category)
    except faq.InvalidFaq as error:
        return _list(error=str(error), status=422)
    flash(_("Topic “%(name)s” was deleted.", name=category.name), "success")
    return redirect(url_for(".faq_list"), code=303)


def _edit(entry, form, status=200):
    return render(EDIT, entry=entry, form=form, status=status,
                  rules_page=faq.generated.ANSWERS[entry.generated][1]
                  if entry is not None and entry.generated else None)


@bp.get("/faq/new")
def faq_entry_new():
    return _edit(None, entry_form(faq.categories(published_only=False), formdata=None))


@bp.post("/faq/new")
def faq_entry_create():
    form = entry_form(faq.categories(published_only=False))
    if form.validate_on_submit():
        try:
            entry = faq.save_entry(None, **_values(form))
        except faq.InvalidFaq as error:
            return _edit(None, add_faq_errors(form, error), status=422)
        flash(_("The question “%(question)s” was added.", question=entry.question), "success")
        return redirect(url_for(".faq_list"), code=303)
    return _edit(None, form, status=422)


def _values(form):
    return dict(category_id=form.category_id.data, question=form.question.data,
                answer_md=form.answer_md.data, position=form.position.data,
                published=form.published.data, translations=translations_data(form))


# One rule for both methods: with a GET rule and a POST rule on the same path, an id out of
# range would answer the POST with 405 instead of 404.
@bp.route("/faq/<id:entry_id>", methods=["GET", "POST"])
def faq_entry(entry_id):
    entry = db.get_or_404(FaqEntry, entry_id)
    if request.method == "POST":
        return _update(entry)
    form = entry_form(faq.categories(published_only=False), formdata=None, obj=entry)
    fill_translations(form, entry)
    return _edit(entry, form)


def _update(entry):
    form = entry_form(faq.categories(published_only=False))
    if form.validate_on_submit():
        try:
            faq.save_entry(entry, **_values(form))
        except faq.InvalidFaq as error:
            return _edit(entry, add_faq_errors(form, error), status=422)
        flash(_("The question “%(question)s” was saved.", question=entry.question), "success")
        return redirect(url_for(".faq_list"), code=303)
    return _edit(entry, form, status=422)


@bp.post("/faq/<id:entry_id>/delete")
def faq_entry_delete(entry_id):
    entry = db.get_or_404(FaqEntry, entry_id)
    question = entry.question
    faq.delete_entry(entry)
    flash(_("The question “%(question)s” was deleted.", question=question), "success")
    return redirect(url_for(".faq_list"), code=303)
