"""The chat panel: opened from the Help button on every storefront page (htmx loads it into the
page when pressed), and without JavaScript a page of its own that works as a contact form.

The visitor's open chat is named in the signed session (its id and secret), so it survives
signing in (the account adopts it on the next request) and nobody else's id opens it. A poll
asks "anything after message N?" in one query and answers 204 when there is nothing, without
rendering or writing the session.
"""
from urllib.parse import urlsplit

from flask import abort, request, session, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from domain import cart as carts
from domain import catalog, checkouts, localized
from domain.errors import InvalidMessage, NotFound
from domain.extensions import limiter
from domain.helpdesk import chat, conversations
from domain.helpdesk.persona import persona

from ..common import CHAT_SESSION_KEY as SESSION_KEY
from ..common import CHECKOUT_PROBLEM_KEY
from ..common import current_cart, new_token, open_chat, safe_next, shop, valid_token
from ..help.access import visible_order
from ..htmx import render, see_other, wants_fragment
from ..orders.limits import lookup_allowed
from ..templating import now
from . import bp
from .forms import ChatEmailForm, ChatForm

PAGE = "chat/panel.html"
POST_LIMIT = "20 per minute; 200 per day"
LIMIT_MESSAGE = "Too many messages. Please wait a while and try again."


def _session_chat():
    """The chat this visitor has open, or None. A signed-in shopper's account adopts a chat
    begun before signing in; a chat that is an account's is not shown to anyone else (after
    signing out, say)."""
    saved = session.get(SESSION_KEY) or {}
    conversation = chat.owned(saved.get("id"), saved.get("key"))
    if conversation is None:
        return None
    if current_user.is_authenticated:
        if conversation.user_id is None:
            chat.attach_user(conversation, current_user)
        elif conversation.user_id != current_user.id:
            return None
    elif conversation.user_id is not None:
        return None
    return conversation


def _about(values):
    """The page the chat is opened from ({"page": ...}), from the Help link's query string or the
    form's hidden fields; a product, category or order the visitor may not see is dropped."""
    kind, key = values.get("about", ""), values.get("id", "")
    path = safe_next(values.get("path", ""), "")
    path = urlsplit(path).path if path else ""
    label = ""
    if kind == "product" and key:
        try:
            label = localized.text(catalog.product_page(key), "title")
        except NotFound:
            kind = "other"
    elif kind == "category" and key:
        info = shop().category(key)
        label = localized.text(info, "name") if info is not None else ""
        kind = kind if info is not None else "other"
    elif kind == "order" and key:
        order = visible_order(key, values.get("t", ""))
        label = order.number if order is not None else ""
        kind = kind if order is not None else "other"
    elif kind not in ("checkout", "cart"):
        kind = "other"
    return chat.page_context(kind, path, label)


def _snapshot(context):
    """At checkout the chat also keeps the cart and the checkout's last error for the merchant."""
    if context["page"]["kind"] not in ("checkout", "cart"):
        return context
    lines = carts.lines(current_cart(), shop().currency)
    if lines:
        total = sum((line.total for line in lines[1:]), lines[0].total)
        context["cart"] = checkouts.cart_shown(checkouts.snapshot(lines, total), str(get_locale()))
    problem = session.get(CHECKOUT_PROBLEM_KEY)
    if isinstance(problem, dict):
        context["checkout_error"] = {"code": str(problem.get("code", ""))[:60],
                                     "message": str(problem.get("message", ""))[:300]}
    return context


def _links(messages):
    """{message id: [(label, url)]} for the bot's links (an unknown endpoint is left out)."""
    found = {}
    for message in messages:
        for link in (message.meta or {}).get("links") or ():
            try:
                url = url_for(link["endpoint"], **(link.get("values") or {}))
            except (BuildError, KeyError, TypeError):
                continue
            found.setdefault(message.id, []).append((link.get("label", ""), url))
    return found


def _offered(shown):
    """The quick replies under the latest message: the bot's own offer, else the four fixed
    ones until a person has the chat."""
    if shown and shown[-1].author == "bot" and (shown[-1].meta or {}).get("quick_replies"):
        return [("say", text) for text in shown[-1].meta["quick_replies"]]
    if not shown or shown[-1].conversation.handed_over_at is None:
        return [("quick", key) for key in chat.QUICK_REPLIES]
    return []


def _live(conversation, form=None, email_form=None, problem=None, email_problem=None):
    """What the live part of the panel needs: the forms with a fresh token, the poll, the offer."""
    shown = conversations.shown_to_customer(conversation) if conversation is not None else []
    form = form or ChatForm(formdata=None)
    form.client_token.data = new_token()
    return {"form": form, "problem": problem, "offered": _offered(shown),
            "quick_labels": chat.QUICK_REPLIES,
            "email_form": (email_form or ChatEmailForm(formdata=None))
            if chat.wants_email(conversation) else None,
            "email_problem": email_problem,
            "polling": conversation is not None and conversation.status != "resolved",
            "resolved": conversation is not None and conversation.status == "resolved",
            "after": shown[-1].id if shown else 0, "conversation": conversation}


def _panel(conversation, about, status=200, **live):
    context = conversation.context if conversation is not None and conversation.context else about
    shown = conversations.shown_to_customer(conversation) if conversation is not None else []
    state = _live(conversation, **live)
    form = state["form"]
    for name in ("about", "id", "t", "path"):
        form[name].data = request.values.get(name, "")
    return render(PAGE, block="panel", status=status, greeting=chat.greeting(context),
                  persona=persona(shop(), str(get_locale())), shown=shown, links=_links(shown),
                  schedule=shop().schedule, fragment=wants_fragment(),
                  back=safe_next(about["page"]["path"], url_for("products.home")), **state)


@bp.get("/chat")
def panel():
    """The panel (for htmx) or the chat page: the greeting, the conversation so far, the form."""
    return _panel(_session_chat(), _about(request.args))


def _news(conversation, after, status=200, **live):
    """For htmx after a post: the messages after `after` (appended) and the live part."""
    shown = conversations.shown_to_customer(conversation) if conversation is not None else []
    messages = [m for m in shown if m.id > after]
    return render("chat/_live.html", status=status, messages=messages, links=_links(messages),
                  schedule=shop().schedule, fragment=True, **_live(conversation, **live))


def _after():
    try:
        return max(0, int(request.values.get("after", 0)))
    except ValueError:
        return 0


@bp.post("/chat/messages")
@limiter.limit(POST_LIMIT, error_message=LIMIT_MESSAGE)
def post():
    """The shopper's message or quick reply; the bot answers or a person is called."""
    form = ChatForm()
    conversation = _session_chat()
    about = _about(request.form)
    quick = form.quick.data if form.quick.data in chat.QUICK_REPLIES else None
    body = str(chat.QUICK_REPLIES[quick]) if quick else (form.say.data or form.body.data)
    if not form.validate_on_submit() or not valid_token(form.client_token.data):
        return _failed(conversation, about, form, _("This form had expired. Please send it again."))
    try:
        conversations.clean_body(body)
        if conversation is None or conversation.status == "resolved":
            conversation = chat.start(now(), context=_snapshot(about), locale=str(get_locale()),
                                      user=current_user if current_user.is_authenticated else None,
                                      client_token=form.client_token.data)
            open_chat(conversation)
        chat.say(conversation, body, now(), client_token=form.client_token.data,
                 settings=shop(), customer=current_user if current_user.is_authenticated else None,
                 lookup_allowed=lookup_allowed, quick=quick)
    except InvalidMessage as error:
        return _failed(conversation, about, form, str(error))
    if wants_fragment():
        return _news(conversation, _after())
    return see_other(url_for(".panel") + "#chat-latest")


def _failed(conversation, about, form, problem):
    if wants_fragment():
        return _news(conversation, _after(), status=422, form=form, problem=problem)
    return _panel(conversation, about, status=422, form=form, problem=problem)


@bp.post("/chat/email")
@limiter.limit(POST_LIMIT, error_message=LIMIT_MESSAGE)
def email():
    """The address the answer goes to, when nobody could answer live."""
    conversation = _session_chat()
    if conversation is None:
        abort(404)
    form = ChatEmailForm()
    problem = None
    if not form.validate_on_submit():
        problem = _("This form had expired. Please send it again.")
    else:
        try:
            chat.give_email(conversation, form.email.data, now())
        except InvalidMessage as error:
            problem = str(error)
    if problem:
        if wants_fragment():
            return _news(conversation, _after(), status=422, email_form=form,
                         email_problem=problem)
        return _panel(conversation, _about(request.form), status=422, email_form=form,
                      email_problem=problem)
    if wants_fragment():
        return _news(conversation, _after())
    return see_other(url_for(".panel") + "#chat-latest")


@bp.get("/chat/poll")
def poll():
    """Anything new after message `after`? 204 when not (one query, nothing rendered, the
    session only read); 286 stops the panel's polling when the chat is resolved or gone."""
    saved = session.get(SESSION_KEY) or {}
    after = _after()
    found = chat.news(saved.get("id"), saved.get("key"), after) if saved else None
    if found is not None and found.user_id is not None and (
            not current_user.is_authenticated or current_user.id != found.user_id):
        found = None
    if found is None:
        return "", 286
    chat.seen(saved["id"], found, now())
    if found.newest is None and found.status != "resolved":
        return "", 204
    messages = chat.messages_after(saved["id"], after) if found.newest is not None else []
    chat.replies_read(saved["id"], messages)
    resolved = found.status == "resolved"
    response = render("chat/_poll.html", messages=messages, links=_links(messages),
                      schedule=shop().schedule, after=messages[-1].id if messages else after,
                      resolved=resolved, fragment=True)
    if resolved:
        response.status_code = 286
    return response
