"""The chat's first line: deterministic answers from the shop's own data, and knowing when to
fetch a person.

answer() reads one message (with the conversation so far) and returns an Answer: text in the
visitor's language, links as Flask endpoints, quick replies, and whether to hand the
conversation over. It reads the FAQ, the orders, the return rules and the shipping settings
through the functions the help page, the tracking page, the return form and the policy pages
use, so it says what the shop enforces; it never writes. No model and no outside service: the
same message gets the same answer, and a transcript shows why.

In this order:
1. asking for a person ("person", "human", "상담원"...) hands over at once;
2. payment problems (declined card, charged twice, refund not received) and goods that arrived
   damaged hand over directly;
3. "why?" after a checkout error explains it (a declined card: try bank transfer) and hands over;
4. an order number (or the email the bot asked for): the order's status, or its return
   eligibility when returns are asked about (lookup.py, terms.py);
5. a hello, returns in general (the named product's or the page's product's terms, else the
   policy), "where is my order?", then the help page's best match (faqmatch.py), then
   shipping cost and delivery time from the settings;
6. otherwise "not sure" with a person offered; a second "not sure" hands over.

Modules: words.py reads what a message is about, answers.py holds Answer and Link, replies.py
the answers needing no order, lookup.py and terms.py those about an order or returns.
"""
from flask_babel import force_locale

from ...shopconfig import LANGUAGES
from . import faqmatch, lookup, terms, words
from .answers import Answer, Link
from .replies import (checkout_error_answer, faq_answer, greeting, handover, shipping_answer,
                      thanks, unsure)

__all__ = ["Answer", "Link", "answer"]

# A chat message longer than this is read for its beginning only.
READ_CHARACTERS = 2000


def answer(text, *, locale, now, history, customer=None, context=None,
           lookup_allowed=lambda: True):
    """The bot's answer to `text` in `locale` ("en" or "ko"). `history`: the conversation's
    earlier messages as (author, body, meta), oldest first; `customer`: the signed-in User or
    None; `context`: the conversation's context dict; `lookup_allowed()` is called before each
    order lookup by number and email, and False means the lookup limit is spent."""
    lang = str(locale or "").replace("-", "_").split("_")[0].lower()
    lang = lang if lang in LANGUAGES else LANGUAGES[0]
    history = [(author, body or "", meta if isinstance(meta, dict) else {})
               for author, body, meta in history or ()]
    with force_locale(lang):
        return _answer((text or "")[:READ_CHARACTERS], lang, now, history, customer,
                       context if isinstance(context, dict) else {}, lookup_allowed)


def _answer(text, lang, now, history, customer, context, lookup_allowed):
    if words.asks_for_person(text):
        return handover("asked")
    if words.is_payment_problem(text):
        return handover("payment")
    if words.is_damage(text):
        return handover("damage")
    error = context.get("checkout_error")
    if isinstance(error, dict) and error.get("code") and words.is_why(text):
        return checkout_error_answer(error)

    found = _about_an_order(text, now, history, customer, context, lookup_allowed)
    if found is not None:
        return found

    if words.is_greeting(text):
        return greeting()
    if words.is_thanks(text):
        return thanks()
    if words.is_return(text):
        return terms.policy_answer(text, context, customer)
    if words.is_order_status(text):
        return lookup.which_order(customer, with_times=words.is_delivery_time(text))
    match = faqmatch.best_match(text)
    if match is not None:
        return faq_answer(match.entry, lang)
    cost, time = words.is_shipping_cost(text), words.is_delivery_time(text)
    if cost or time or words.is_shipping(text):
        return shipping_answer(cost=cost or not time, time=time or not cost)
    if _last_bot_kind(history) == "ask_email":
        number, _asked = _number_in_history(history)
        return lookup.ask_email(number, again=True)
    return unsure(twice=_failed_before(history))


def _last_bot_kind(history):
    kinds = [meta.get("kind") for author, _body, meta in history if author == "bot"]
    return kinds[-1] if kinds else None


def _failed_before(history):
    """Whether the bot already said it was not sure in answer to a real question (a hello or
    a thank-you answered politely is no failure)."""
    asked = ""
    for author, body, meta in history:
        if author == "customer":
            asked = body
        elif author == "bot" and meta.get("kind") == "unsure" \
                and not words.is_small_talk(asked):
            return True
    return False


def _number_in_history(history):
    """The order number the shopper last gave, and the message that gave it."""
    for author, body, _meta in reversed(history):
        if author == "customer":
            number = words.order_number(body)
            if number:
                return number, body
    return "", ""


def _question_before_last_answer(history):
    """The shopper's message the bot's last answer replied to."""
    seen_bot = False
    for author, body, _meta in reversed(history):
        if author == "bot":
            seen_bot = True
        elif author == "customer" and seen_bot:
            return body
    return ""


def _about_an_order(text, now, history, customer, context, lookup_allowed):
    """An answer about a named order, or None when the message names none. The question is
    the message naming the order, or, for a bare number or email, the one the bot's question
    ("which order?", "what email?") followed: "Can I return my order?" and then a number
    asks about returning it."""
    number = words.order_number(text)
    email = words.email(text)
    asked = text
    last = _last_bot_kind(history)
    if not number and email and last in ("ask_email", "order_status", "limited"):
        # The email asked for, or a corrected one after "not found".
        number, asked = _number_in_history(history)
    if not number:
        return None
    if asked == text and not (words.is_return(text) or words.is_order_status(text)) \
            and last in ("ask_order", "return"):
        asked = _question_before_last_answer(history) + " " + text
    return lookup.order_answer(number, email, asked, now=now, customer=customer,
                               context=context, lookup_allowed=lookup_allowed,
                               wants_return=words.is_return(asked))
