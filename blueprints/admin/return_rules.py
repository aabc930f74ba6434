"""Back office: the return rules (the shop's, a category's, a product's) and how returns are
sent back and refunded. The storefront's returns policy page is drawn from exactly these."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from domain import policies, returns
from domain.returns import faults
from domain.errors import InvalidReturnRule
from domain.extensions import db
from domain.models import Product
from domain.text import render_markdown

from ..common import shop
from ..htmx import render
from ..templating import now
from . import bp
from .forms import EmptyForm
from .return_rule_forms import (CategoryRuleForm, ProcessingForm, ProductRuleForm, RuleForm,
                                add_rule_errors)

PAGE = "admin/return_rules.html"


def _category_form(rows):
    """The category form, filled from the category named in ?category= (else the shop's rule).
    The rules table already holds every category's rule in force."""
    wanted = request.args.get("category", 0, type=int)
    row = next((r for r in rows if r.scope == "category" and r.scope_id == wanted), None)
    if row is None:
        return CategoryRuleForm.from_rule(rows[0].rule)
    return CategoryRuleForm.from_rule(row.rule, category_id=row.scope_id)


def _product_form(rows):
    """The product form, filled from the product named in ?product= (else the shop's rule)."""
    product = db.session.get(Product, request.args.get("product", 0, type=int))
    if product is None:
        return ProductRuleForm.from_rule(rows[0].rule, product="")
    return ProductRuleForm.from_rule(returns.rule_for(product.id, product.category_id),
                                     product=product.slug)


def _page(status=200, block=None, shop_form=None, category_form=None, product_form=None,
          processing_form=None):
    """The rules page; a form passed in is shown as the merchant sent it, with its errors."""
    rows = returns.rules_table()
    category_form = category_form or _category_form(rows)
    processing_form = processing_form or ProcessingForm.from_policy(returns.policy())
    return render(PAGE, block=block, status=status, rows=rows,
                  shop_form=shop_form or RuleForm.from_rule(rows[0].rule),
                  category_form=category_form.set_choices(shop().categories),
                  product_form=product_form or _product_form(rows),
                  processing_form=processing_form, empty_form=EmptyForm(formdata=None),
                  returns_summary=lambda rule: returns.summary(rule, shop().currency),
                  confirmed=returns.confirmed(),
                  preview_html=render_markdown(processing_form.general_md.data or ""),
                  fault_minimum_days=faults.legal_minimum(shop().currency))


def _saved(message, anchor="rules"):
    flash(message, "success")
    return redirect(url_for(".return_rules", _anchor=anchor), code=303)


@bp.get("/returns/rules")
def return_rules():
    return _page()


@bp.post("/returns/rules/confirm")
def return_rules_confirm():
    """The merchant confirms the rules as shown: the storefront states them from now on."""
    if EmptyForm().validate_on_submit():
        returns.confirm(now())
        return _saved(_("Your return rules are confirmed: shoppers now see them on the returns "
                        "policy and under every product."))
    return redirect(url_for(".return_rules"), code=303)


@bp.post("/returns/rules/shop")
def return_rules_shop():
    form = RuleForm()
    if form.validate_on_submit():
        try:
            returns.save_rule("shop", None, form.values(), now(), shop().currency)
        except InvalidReturnRule as error:
            return _page(422, shop_form=add_rule_errors(form, error))
        return _saved(_("The shop's return rule was saved."))
    return _page(422, shop_form=form)


@bp.post("/returns/rules/category")
def return_rules_category():
    form = CategoryRuleForm().set_choices(shop().categories)
    if form.validate_on_submit():
        try:
            returns.save_rule("category", form.category_id.data, form.values(), now(),
                              shop().currency)
        except InvalidReturnRule as error:
            return _page(422, category_form=add_rule_errors(form, error))
        name = next(c.name for c in shop().categories if c.id == form.category_id.data)
        return _saved(_("The return rule for “%(name)s” was saved.", name=name))
    return _page(422, category_form=form)


@bp.post("/returns/rules/product")
def return_rules_product():
    form = ProductRuleForm()
    if form.validate_on_submit():
        try:
            product = policies.save_product_rule(form.product.data, form.values(), now(),
                                                 shop().currency)
        except InvalidReturnRule as error:
            return _page(422, product_form=add_rule_errors(form, error))
        return _saved(_("The return rule for “%(name)s” was saved.", name=product.title))
    return _page(422, product_form=form)


@bp.post("/returns/rules/<scope>/<id:scope_id>/delete")
def return_rules_delete(scope, scope_id):
    """Remove a category's or product's own rule: the wider rule applies to it again."""
    if scope not in ("category", "product"):
        abort(404)
    if EmptyForm().validate_on_submit():
        returns.delete_rule(scope, scope_id, now())
        return _saved(_("The rule was removed; the wider rule applies again."))
    return redirect(url_for(".return_rules"), code=303)


@bp.post("/returns/rules/processing")
def return_rules_processing():
    form = ProcessingForm()
    if form.validate_on_submit():
        try:
            returns.save_policy(form.values(), now())
        except InvalidReturnRule as error:
            return _page(422, processing_form=add_rule_errors(form, error))
        return _saved(_("Return settings saved."), anchor="processing")
    return _page(422, processing_form=form)


@bp.post("/returns/rules/preview")
def return_rules_preview():
    """The general rules as the policy page will show them. htmx swaps in just the preview;
    without JavaScript the Preview button shows the whole page again, unsaved, with it."""
    return _page(block="preview", processing_form=ProcessingForm())
