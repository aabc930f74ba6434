"""The contact form: a question to the shop, with up to three photos, from any page.

Opened from an order, a return or a product page (?order=, ?return=, ?product=, ?topic=,
?from=), it carries them along: an order or a return is linked to the question only when the
visitor may see it (blueprints/help/access.py), and `from` is kept only as a path on this
site. Sending is one call to domain.helpdesk.contact.ask, idempotent through the form's client
token; the visitor then lands on the conversation's page, which says when to expect an answer.
Limited per visitor and per email address, counted in the shop's database (domain/ratelimit.py)
so every worker process shares the counts.
"""
from urllib.parse import urlsplit

from flask import flash, request
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from domain import accounts, catalog
from domain.errors import InvalidMessage, NotFound, StorageUnavailable
from domain.extensions import limiter
from domain.helpdesk import contact as asking
from domain.helpdesk import conversations, hours, photos
from domain.helpdesk.persona import persona

from ..common import new_token, safe_next, shop, valid_token
from ..htmx import render, see_other
from ..templating import now
from . import bp
from .access import page_url, visible_order, visible_return
from .forms import ContactForm

PAGE = "help/contact.html"
VISITOR_LIMIT = "10 per hour"
EMAIL_LIMIT = "5 per hour"
LIMIT_MESSAGE = "Too many messages. Please wait a while and try again."


def _email_key():
    """Counts questions per email address too, so nobody floods the shop (or an inbox with
    acknowledgements) from many places."""
    return "contact-email:" + accounts.normalize_email(request.form.get("email", ""))


def _product(slug):
    if not slug:
        return None
    try:
        return catalog.product_page(slug)
    except NotFound:
        return None


def _about(values):
    """What the question is about, from the query string or the form's hidden fields; what the
    visitor may not see is dropped."""
    token = values.get("t", "")
    source = safe_next(values.get("from", ""), "")
    return {"order": visible_order(values.get("order", ""), token),
            "return_request": visible_return(values.get("return", ""), token),
            "product": _product(values.get("product", "")),
            "source_path": urlsplit(source).path if source else "",
            "token": token}


def _default_topic(about, asked):
    if asked in conversations.TOPICS:
        return asked
    if about["return_request"] is not None:
        return "returns"
    if about["order"] is not None:
        return "order"
    if about["product"] is not None:
        return "product"
    return "other"


def _sent_photos():
    return [(f.filename or "", f.read(photos.MAX_BYTES + 1))
            for f in request.files.getlist("photos") if f and f.filename]


@bp.route("/help/contact", methods=["GET", "POST"])
@limiter.limit(VISITOR_LIMIT, methods=["POST"], error_message=LIMIT_MESSAGE)
@limiter.limit(EMAIL_LIMIT, methods=["POST"], key_func=_email_key, error_message=LIMIT_MESSAGE)
def contact():
    """The form (GET), or the question sent (POST): the conversation's page on success, the form
    again with what to fix (422) otherwise."""
    about = _about(request.values)
    if request.method == "GET":
        form = ContactForm(formdata=None, client_token=new_token(),
                           topic=_default_topic(about, request.args.get("topic", "")))
        if current_user.is_authenticated:
            form.name.data, form.email.data = current_user.name, current_user.email
        return _page(form, about)
    form = ContactForm()
    if not form.validate_on_submit() or not valid_token(form.client_token.data):
        return _page(form, about, 422, _("This form had expired. Please send it again.")
                     if not form.errors else _("Please check the form."))
    try:
        conversation, _created = asking.ask(
            email=form.email.data, body=form.body.data, now=now(), schedule=shop().schedule,
            photos=_sent_photos(), client_token=form.client_token.data, settings=shop(),
            name=form.name.data, topic=form.topic.data,
            user=current_user if current_user.is_authenticated else None,
            locale=str(get_locale()), order=about["order"],
            return_request=about["return_request"], product=about["product"],
            source_path=about["source_path"])
    except InvalidMessage as error:
        form.add_errors(error.fields)
        return _page(form, about, 422, str(error))
    except StorageUnavailable:
        return _page(form, about, 422, _("We could not keep your photos just now. Please try "
                                         "again, or send your message without them."))
    flash(_("Thank you. We got your question %(reference)s.", reference=conversation.reference),
          "success")
    return see_other(page_url(conversation, sent=1))


def _page(form, about, status=200, problem=None):
    photos_dropped = status >= 400 and any(f.filename for f in request.files.getlist("photos"))
    return render(PAGE, block="form", status=status, form=form, about=about, problem=problem,
                  photos_dropped=photos_dropped, max_photos=photos.MAX_PHOTOS,
                  max_photo_mb=photos.MAX_BYTES // (1024 * 1024), body_max=conversations.BODY_MAX,
                  promise=hours.promise(shop().schedule, now()), schedule=shop().schedule,
                  persona=persona(shop(), str(get_locale())))
