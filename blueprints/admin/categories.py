"""Back office: categories, which the storefront's menu lists in position order."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _

from domain import products as catalogue
from domain.errors import ShopError
from domain.extensions import db
from domain.models import Category

from ..htmx import render
from . import bp
from .forms import CategoryForm, fill_translations, translations_data

PAGE = "admin/categories.html"


def _page(new_form=None, failed=None, error=None, status=200):
    """The list with one form per category; `failed` is (category id, form) to show as sent."""
    rows = []
    for category in catalogue.all_categories():
        if failed and failed[0] == category.id:
            rows.append((category, failed[1]))
        else:
            form = CategoryForm(formdata=None, obj=category)
            fill_translations(form, category)
            rows.append((category, form))
    return render(PAGE, rows=rows, new_form=new_form or CategoryForm(formdata=None),
                  failed_id=failed[0] if failed else None, error=error, status=status)


@bp.get("/categories")
def categories():
    return _page()


@bp.post("/categories")
def category_create():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = catalogue.create_category(form.name.data, position=form.position.data or 0,
                                                 translations=translations_data(form))
        except ShopError as error:
            return _page(new_form=form, error=str(error), status=422)
        flash(_("Category “%(name)s” was added.", name=category.name), "success")
        return redirect(url_for(".categories"), code=303)
    return _page(new_form=form, status=422)


@bp.post("/categories/<id:category_id>")
def category_update(category_id):
    category = db.get_or_404(Category, category_id)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            catalogue.update_category(category, form.name.data, form.position.data or 0,
                                      translations=translations_data(form))
        except ShopError as error:
            return _page(failed=(category_id, form), error=str(error), status=422)
        flash(_("Category “%(name)s” was saved.", name=category.name), "success")
        return redirect(url_for(".categories"), code=303)
    return _page(failed=(category_id, form), status=422)
