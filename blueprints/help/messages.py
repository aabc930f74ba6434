"""A customer's conversations: the list in their account, one conversation's page (in the
account for its owner, or by its signed link for anybody holding the email), the reply form
and the photos.

Every route checks access (blueprints/help/access.py): someone else's conversation, a wrong or
tampered key and a missing reference all get the same 404. Notes are never shown.

Opening a conversation marks its replies read (conversations.read_by_customer) in the GET
itself. The house rule that a page view writes nothing is about storefront pages everybody
loads (a product page's counter); this is the owner's own mailbox state, like an email client
marking a message read on opening, and it is written only when a reply was unread, only for
the owner or the link holder, so the page works without JavaScript and shows the right count
at once.
"""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from domain import storage
from domain.errors import InvalidMessage
from domain.extensions import limiter
from domain.helpdesk import contact as asking
from domain.helpdesk import conversations, hours, photos
from domain.helpdesk.persona import persona

from ..common import new_token, shop, valid_token
from ..htmx import render, see_other
from ..stored_files import send_stored
from ..templating import now
from . import bp
from .access import linked_conversation, own_conversation, page_url
from .forms import ReplyForm

LIST_PAGE = "help/messages.html"
PAGE = "help/conversation.html"
REPLY_LIMIT = "30 per hour"


@bp.get("/account/messages")
@login_required
def inbox():
    """The signed-in customer's conversations, the latest first, unread ones marked."""
    listed = [(conversation, page_url(conversation))
              for conversation in conversations.for_customer(current_user, per_page=100)]
    return render(LIST_PAGE, listed=listed, status_labels=conversations.STATUS_LABELS,
                  topics=conversations.TOPICS)


@bp.route("/account/messages/<reference>", methods=["GET", "POST"])
@login_required
@limiter.limit(REPLY_LIMIT, methods=["POST"])
def conversation(reference):
    return _conversation(own_conversation(reference))


@bp.route("/help/messages/<reference>/<key>", methods=["GET", "POST"])
@limiter.limit(REPLY_LIMIT, methods=["POST"])
def guest_conversation(reference, key):
    return _conversation(linked_conversation(reference, key), key)


@bp.get("/account/messages/<reference>/photos/<id:photo_id>.webp")
@login_required
def photo(reference, photo_id):
    return _photo(own_conversation(reference), photo_id)


@bp.get("/help/messages/<reference>/<key>/photos/<id:photo_id>.webp")
def guest_photo(reference, key, photo_id):
    return _photo(linked_conversation(reference, key), photo_id)


def _photo(conversation, photo_id):
    """A photo of the conversation, behind the same door as its page; never in a shared cache."""
    found = photos.by_id(conversation, photo_id)
    if found is None:
        abort(404)
    return send_stored(storage.conversation_photos(), photos.file_name(found), 3600,
                       private=True, mimetype="image/webp")


def _conversation(conversation, key=None):
    if request.method == "POST":
        return _reply(conversation, key)
    conversations.read_by_customer(conversation)
    return _page(conversation, key, ReplyForm(formdata=None, client_token=new_token()))


def _reply(conversation, key):
    form = ReplyForm()
    if not form.validate_on_submit() or not valid_token(form.client_token.data):
        return _page(conversation, key, form, 422, _("This form had expired. Please send it again."))
    config = shop()
    try:
        shown, message = asking.write(conversation, form.body.data, now(),
                                      schedule=config.schedule, reopen_days=config.reopen_days,
                                      client_token=form.client_token.data, settings=config)
    except InvalidMessage as error:
        form.add_errors(error.fields)
        return _page(conversation, key, form, 422, str(error))
    if shown.id != conversation.id:
        flash(_("This conversation was closed more than %(num)d days ago, so your message "
                "starts a new one, %(reference)s.", num=config.reopen_days,
                reference=shown.reference), "success")
        return see_other(page_url(shown, key, sent=1))
    flash(_("Your message is sent."), "success")
    return see_other(page_url(shown, key, _anchor=f"m{message.id}"))


def _page(conversation, key, form, status=200, problem=None):
    def url(**args):
        return page_url(conversation, key, **args)

    def photo_urls(message):
        endpoint_args = {"reference": conversation.reference}
        if key is not None:
            endpoint_args["key"] = conversation.secret
        endpoint = "help.guest_photo" if key is not None else "help.photo"
        return [(url_for(endpoint, photo_id=p.id, **endpoint_args), p.width, p.height)
                for p in message.photos]

    shown = conversations.shown_to_customer(conversation)
    config = shop()
    return render(PAGE, block="reply", status=status, conversation=conversation,
                  shown=[(message, photo_urls(message)) for message in shown],
                  signature=persona(config, conversation.locale)["name"],
                  form=form, problem=problem, action=url(), in_account=key is None,
                  status_label=conversations.STATUS_LABELS.get(conversation.status, ""),
                  topic_label=conversations.TOPICS.get(conversation.topic, ""),
                  previous_url=page_url(conversation.previous, key)
                  if conversation.previous is not None else None,
                  sent=request.args.get("sent") == "1",
                  promise=hours.promise(config.schedule, now()), schedule=config.schedule)
