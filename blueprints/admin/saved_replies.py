"""Back office: the saved replies, in every shop language, with their placeholders. The
inbox's conversation page fills one in for the customer (domain/helpdesk/saved_replies.fill)."""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _

from domain.errors import InvalidMessage
from domain.helpdesk import saved_replies

from ..common import shop
from ..htmx import render, see_other
from . import bp
from .forms import EmptyForm, fill_translations, translations_data
from .inbox_forms import SavedReplyForm


def _reply(reply_id):
    reply = saved_replies.get(reply_id)
    if reply is None:
        abort(404)
    return reply


def _list(form=None, error=None, status=200):
    return render("admin/inbox/saved_replies.html", status=status,
                  replies=saved_replies.all_replies(), form=form or SavedReplyForm(formdata=None),
                  error=error, button_form=EmptyForm(formdata=None),
                  placeholders=saved_replies.PLACEHOLDERS)


def _show_problem(form, problem):
    for name, message in problem.fields.items():
        if name in form:
            form[name].errors = [str(message)]


@bp.get("/saved-replies", endpoint="saved_replies")
def saved_reply_list():
    return _list()


@bp.post("/saved-replies", endpoint="saved_reply_add")
def saved_reply_add():
    form = SavedReplyForm()
    try:
        saved_replies.create(form.title.data, form.body.data, translations_data(form),
                             shop().main_language)
    except InvalidMessage as problem:
        _show_problem(form, problem)
        return _list(form=form, error=str(problem), status=422)
    flash(_("Saved reply “%(title)s” added.", title=form.title.data.strip()), "success")
    return see_other(url_for(".saved_replies"))


def _edit_page(reply, form, error=None, status=200):
    return render("admin/inbox/saved_reply.html", status=status, reply=reply, form=form,
                  error=error, placeholders=saved_replies.PLACEHOLDERS,
                  unknown=saved_replies.unknown_placeholders(
                      "\n".join([reply.body] + [t.get("body", "") for t in
                                                (reply.translations or {}).values()])))


# One rule for reading and saving, so an id out of range answers 404 to both (two rules on one
# path would answer the POST with 405).
@bp.route("/saved-replies/<id:reply_id>", methods=["GET", "POST"], endpoint="saved_reply_edit")
def saved_reply_edit(reply_id):
    reply = _reply(reply_id)
    if request.method == "GET":
        form = SavedReplyForm(formdata=None, obj=reply)
        fill_translations(form, reply)
        return _edit_page(reply, form)
    form = SavedReplyForm()
    try:
        saved_replies.update(reply, form.title.data, form.body.data, translations_data(form),
                             shop().main_language)
    except InvalidMessage as problem:
        _show_problem(form, problem)
        return _edit_page(reply, form, error=str(problem), status=422)
    flash(_("Saved reply “%(title)s” saved.", title=reply.title), "success")
    return see_other(url_for(".saved_replies"))


@bp.post("/saved-replies/<id:reply_id>/delete", endpoint="saved_reply_delete")
def saved_reply_delete(reply_id):
    reply = _reply(reply_id)
    title = reply.title
    saved_replies.delete(reply)
    flash(_("Saved reply “%(title)s” deleted.", title=title), "success")
    return see_other(url_for(".saved_replies"))


@bp.post("/saved-replies/<id:reply_id>/up", endpoint="saved_reply_up")
def saved_reply_up(reply_id):
    saved_replies.move(_reply(reply_id), -1)
    return see_other(url_for(".saved_replies"))


@bp.post("/saved-replies/<id:reply_id>/down", endpoint="saved_reply_down")
def saved_reply_down(reply_id):
    saved_replies.move(_reply(reply_id), +1)
    return see_other(url_for(".saved_replies"))
