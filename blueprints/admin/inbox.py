"""Back office: the inbox of customers' conversations and one conversation with its reply box,
notes, assignee and status. Every change goes through domain.helpdesk.conversations, which keeps
the reply clock and the unread markers and queues the customer's email.

The list and an open conversation poll every few seconds while the tab is visible; a poll that
sends back the token of what its page shows is answered 204 while nothing changed. Every look
at the inbox, poll included, tells domain.helpdesk.presence a staff member is there (written at
most once a minute): that is what lets a shopper's chat be answered live."""
from flask import abort, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from domain.errors import InvalidMessage
from domain.helpdesk import conversations, figures, inbox, presence, saved_replies
from domain.ids import parse_id

from ..common import new_token, shop
from ..htmx import render, see_other
from ..templating import now
from . import bp
from .context import conversation_customer_url
from .inbox_forms import AssignForm, NoteForm, ReplyForm, StatusForm


def _nothing_new():
    response = make_response("", 204)
    response.headers["Cache-Control"] = "no-store"
    return response


def _listing():
    filters = inbox.Filters.parse(request.args.get("show", ""), request.args.get("topic", ""),
                                  request.args.get("status", ""))
    return filters, inbox.listing(filters, request.args.get("page", 1), now(), current_user.id,
                                  shop().timezone)


def _list(filters, listing, oob=()):
    response = render("admin/inbox/list.html", block="conversations", oob=oob, listing=listing,
                      page_only=lambda: {"chat_minutes": figures.chat_reply_minutes(
                          now(), shop().schedule)},
                      filters=filters, topics=conversations.TOPICS,
                      status_labels=conversations.STATUS_LABELS,
                      version=inbox.version(listing, conversations.unread_for_staff()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/inbox", endpoint="inbox")
def inbox_list():
    presence.staff_seen(current_user.id, now())
    filters, listing = _listing()
    return _list(filters, listing)


@bp.get("/inbox/poll", endpoint="inbox_poll")
def inbox_poll():
    """The list's poll: 204 while the page's token (?v=) is still right, else the list, the
    menu's unread count and the page title."""
    presence.staff_seen(current_user.id, now())
    filters, listing = _listing()
    if request.args.get("v") == inbox.version(listing, conversations.unread_for_staff()):
        return _nothing_new()
    return _list(filters, listing, oob=("admin/inbox/_poll_extras.html",))


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
                  chat=inbox.chat_details(conversation, now()),
                  version=inbox.transcript_version(conversation, now()),
                  filled=filled, error=error, note_error=note_error, unconfirmed=unconfirmed,
                  topics=conversations.TOPICS, status_labels=conversations.STATUS_LABELS,
                  placeholders=saved_replies.PLACEHOLDERS)


@bp.get("/inbox/<reference>", endpoint="conversation")
def conversation_page(reference):
    """The conversation; opening it marks it read by the back office."""
    conversation = _conversation(reference)
    presence.staff_seen(current_user.id, now())
    conversations.read_by_staff(conversation)
    response = _page(conversation)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/inbox/<reference>/poll", endpoint="conversation_poll")
def conversation_poll(reference):
    """An open conversation's poll: 204 while its messages and the shopper's presence are as
    the page shows them (?v=), else the messages (now read) with the menu's count and title."""
    conversation = _conversation(reference)
    presence.staff_seen(current_user.id, now())
    if request.args.get("v") == inbox.transcript_version(conversation, now()):
        return _nothing_new()
    conversations.read_by_staff(conversation)
    response = render("admin/inbox/conversation.html", block="transcript",
                      oob=("admin/inbox/_poll_extras.html",), conversation=conversation,
                      chat=inbox.chat_details(conversation, now()),
                      version=inbox.transcript_version(conversation, now()))
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
        message = conversations.staff_reply(conversation, current_user, body, now(),
                                            resolve=bool(form.resolve.data),
                                            client_token=form.token.data)
    except InvalidMessage as problem:
        return _page(conversation, status=422, reply_form=form, error=str(problem))
    flash(_sent(conversation, message), "success")
    return _back(conversation)


def _sent(conversation, message):
    """What became of the reply, in the merchant's words."""
    delivery = conversations.reply_delivery(conversation, message.created_at)
    if conversation.channel != "chat":
        return _("Reply sent to %(email)s.", email=conversation.email)
    if delivery == "panel" and conversation.email:
        return _("Reply shown in the shopper's open chat. If they have not read it within "
                 "%(minutes)d minutes, it goes to %(email)s too.",
                 minutes=int(conversations.CHAT_EMAIL_AFTER.total_seconds() // 60),
                 email=conversation.email)
    if delivery == "panel":
        return _("Reply shown in the shopper's open chat.")
    if delivery == "email":
        return _("The shopper has left the chat: reply sent to %(email)s.", email=conversation.email)
    return _("The shopper has left the chat and gave no email address: they see your reply "
             "when they open the chat again.")


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
