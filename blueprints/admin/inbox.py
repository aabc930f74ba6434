"""Back office: the inbox of customers' conversations and one conversation with its reply box,
notes, assignee and status. Every change goes through domain.helpdesk.conversations, which keeps
the reply clock and the unread markers and queues the customer's email."""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from domain.errors import InvalidMessage
from domain.helpdesk import conversations, inbox, saved_replies
from domain.ids import parse_id

from ..common import new_token, shop
from ..htmx import render, see_other
from ..templating import now
from . import bp
from .context import conversation_customer_url
from .inbox_forms import AssignForm, NoteForm, ReplyForm, StatusForm


@bp.get("/inbox", endpoint="inbox")
def inbox_list():
    filters = inbox.Filters.parse(request.args.get("show", ""), request.args.get("topic", ""),
                                  request.args.get("status", ""))
    listing = inbox.listing(filters, request.args.get("page", 1), now(), current_user.id,
                            shop().timezone)
    return render("admin/inbox/list.html", block="conversations", listing=listing,
                  filters=filters, topics=conversations.TOPICS,
                  status_labels=conversations.STATUS_LABELS)


def _conversation(reference):
    conversation = conversations.by_reference(reference)
    if conversation is None:
        abort(404)
    return conversation


def _filled(conversation, saved_id):
    """The saved reply picked (?saved=<id>), filled in for this conversation, or None."""
    reply = saved_replies.get(parse_id(saved_id)) if saved_id else None
    if reply is None:
        return None
    return saved_replies.fill(reply, conversation, conversation.locale)


def _page(conversation, status=200, reply_form=None, note_form=None, error=None,
          note_error=None, manage_error=None, unconfirmed=()):
    filled = _filled(conversation, request.args.get("saved", ""))
    if reply_form is None:
        reply_form = ReplyForm(formdata=None, data={"token": new_token(),
                                                    "body": filled.text if filled else ""})
    assign_form = AssignForm(formdata=None, data={"staff": str(conversation.assigned_to_id or "")})
    assign_form.staff.choices = [("", _("Nobody"))] + [
        (str(u.id), u.name or u.email) for u in inbox.staff_members()]

    def whole_page():
        return {"about": inbox.about(conversation), "customer_url": conversation_customer_url(conversation),
                "orders": inbox.orders_of(conversation), "note_form": note_form or NoteForm(formdata=None),
                "assign_form": assign_form, "status_form": StatusForm(formdata=None),
                "saved": saved_replies.all_replies(),
                "clock": inbox.reply_clock(conversation, now(), shop().timezone),
                "manage_error": manage_error}
    return render("admin/inbox/conversation.html", block="reply_box", status=status,
                  page_only=whole_page, conversation=conversation, reply_form=reply_form,
                  filled=filled, error=error, note_error=note_error, unconfirmed=unconfirmed,
                  topics=conversations.TOPICS, status_labels=conversations.STATUS_LABELS,
                  placeholders=saved_replies.PLACEHOLDERS)


@bp.get("/inbox/<reference>", endpoint="conversation")
def conversation_page(reference):
    """The conversation; opening it marks it read by the back office."""
    conversation = _conversation(reference)
    conversations.read_by_staff(conversation)
    response = _page(conversation)
    response.headers["Cache-Control"] = "no-store"
    return response


def _back(conversation):
    return see_other(url_for(".conversation", reference=conversation.reference))


@bp.post("/inbox/<reference>/reply", endpoint="conversation_reply")
def conversation_reply(reference):
    conversation = _conversation(reference)
    form = ReplyForm()
    body = form.body.data or ""
    left = saved_replies.PLACEHOLDER.findall(body)
    if left and form.confirmed.data != "1":
        return _page(conversation, status=422, reply_form=form, unconfirmed=tuple(dict.fromkeys(left)))
    try:
        conversations.staff_reply(conversation, current_user, body, now(),
                                  resolve=bool(form.resolve.data), client_token=form.token.data)
    except InvalidMessage as problem:
        return _page(conversation, status=422, reply_form=form, error=str(problem))
    flash(_("Reply sent to %(email)s.", email=conversation.email), "success")
    return _back(conversation)


@bp.post("/inbox/<reference>/note", endpoint="conversation_note")
def conversation_note(reference):
    conversation = _conversation(reference)
    form = NoteForm()
    try:
        conversations.note(conversation, current_user, form.body.data or "", now())
    except InvalidMessage as problem:
        return _page(conversation, status=422, note_form=form, note_error=str(problem))
    flash(_("Note added. Only staff see it."), "success")
    return _back(conversation)


@bp.post("/inbox/<reference>/assign", endpoint="conversation_assign")
def conversation_assign(reference):
    conversation = _conversation(reference)
    chosen = request.form.get("staff", "")
    staff = inbox.staff_member(parse_id(chosen)) if chosen else None
    if chosen and staff is None:
        return _page(conversation, status=422, manage_error=_("Choose someone from the list."))
    conversations.assign(conversation, staff)
    flash(_("Assigned to %(name)s.", name=staff.name or staff.email) if staff
          else _("Nobody is assigned now."), "success")
    return _back(conversation)


@bp.post("/inbox/<reference>/status", endpoint="conversation_status")
def conversation_status(reference):
    conversation = _conversation(reference)
    status = request.form.get("status", "")
    if not StatusForm.known(status):
        return _page(conversation, status=422, manage_error=_("Choose a status."))
    conversations.set_status(conversation, status, now(), shop().schedule)
    flash(_("The conversation is now “%(status)s”.",
            status=conversations.STATUS_LABELS[status]), "success")
    return _back(conversation)
