"""Back office: the privacy policy and terms of service, written in Markdown."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from domain import policies
from domain.errors import InvalidReturnRule
from domain.text import render_markdown

from ..htmx import render
from ..templating import now
from . import bp
from .forms import fill_translations, translations_data
from .return_rule_forms import PolicyPageForm, add_rule_errors

PAGE = "admin/policy_page.html"


def _known(name):
    if name not in policies.PAGES:
        abort(404)


def _page(name, form=None, status=200, block=None):
    stored = policies.page(name)
    if form is None:
        form = PolicyPageForm(formdata=None, data={"body_md": stored.body_md if stored else ""})
        if stored is not None:
            fill_translations(form, stored)
    return render(PAGE, block=block, status=status, name=name, form=form, stored=stored,
                  preview_html=render_markdown(form.body_md.data or ""))


@bp.get("/policies/<name>")
def policy_page(name):
    _known(name)
    return _page(name)


@bp.post("/policies/<name>")
def policy_page_save(name):
    _known(name)
    form = PolicyPageForm()
    if form.validate_on_submit():
        try:
            policies.save_page(name, form.body_md.data, now(), translations_data(form))
        except InvalidReturnRule as error:
            return _page(name, add_rule_errors(form, error), status=422)
        flash(_("The policy was saved and is on the shop now."), "success")
        return redirect(url_for(".policy_page", name=name), code=303)
    return _page(name, form, status=422)


@bp.post("/policies/<name>/preview")
def policy_page_preview(name):
    """The text as shoppers will see it; htmx swaps in just the preview, without JavaScript
    the whole page comes back with the unsaved text and its preview."""
    _known(name)
    return _page(name, PolicyPageForm(), block="preview")
