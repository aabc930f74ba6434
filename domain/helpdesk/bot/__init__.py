"""The chat's first line: deterministic answers from the shop's own data, and knowing when to
fetch a person.

answer() reads one message (with the conversation so far) and returns an Answer: text in the
visitor's language, links as Flask endpoints, quick replies, and whether to hand the
conversation over. It reads the FAQ, the orders, the return rules and the shipping settings
through the same functions the help page, the tracking page, the return form and the policy
pages use, so it says what the shop enforces; it never writes.

In this order:
1. asking for a person ("person", "human", "상담원"...) hands over at once;
2. payment problems (declined card, charged twice, refund not received) and goods that arrived
   damaged hand over directly;
3. "why?" after a checkout error explains it (a declined card: try bank transfer) and hands over;
4. the bot's own question waiting for an answer (an email for an order number, which order);
5. an order number: the order's status, or its return eligibility when returns are asked
   about (a guest gives the order's email first; a signed-in customer's own orders need none);
6. "where is my order?", returns (the product of the page, or the policy), then the FAQ's best
   match, then shipping cost and delivery time from the settings;
7. otherwise "not sure" with a person offered; a second "not sure" hands over.
"""
from dataclasses import dataclass

from flask_babel import force_locale

from . import faqmatch, words
from .replies import (checkout_error_answer, faq_answer, greeting, handover, order_answer,
                      orders_question, return_policy_answer, shipping_answer, unsure)

__all__ = ["Answer", "Link", "answer"]


@dataclass(frozen=True)
class Link:
    label: str          # already translated, plain text
    endpoint: str       # a Flask endpoint name, e.g. "help.faq", "orders.track_order"
    values: dict        # url_for values (with "_anchor" when needed)


@dataclass(frozen=True)
class Answer:
    kind: str           # "faq" | "order_status" | "ask_order" | "ask_email" | "return" | "shipping"
                        # | "unsure" | "handover" | "limited"
    text: str           # plain text in the visitor's language (escaped when shown)
    links: tuple = ()
    handover: bool = False
    reason: str = ""    # for a hand-over: "asked" | "unsure_twice" | "payment" | "damage"
    quick_replies: tuple = ()

    def meta(self):
        """What ConversationMessage.meta stores of a bot message."""
        return {"kind": self.kind,
                "links": [{"label": link.label, "endpoint": link.endpoint,
                           "values": dict(link.values)} for link in self.links],
                "reason": self.reason, "quick_replies": list(self.quick_replies)}


def _bot_kinds(history):
    return [(meta or {}).get("kind") for author, _body, meta in history or () if author == "bot"]


def _failed_before(history):
    """Whether the bot already said it was not sure, in answer to a real question (a greeting
    answered with what the bot can do is no failure)."""
    asked = ""
    for author, body, meta in history:
        if author == "customer":
            asked = body
        elif author == "bot" and (meta or {}).get("kind") == "unsure" \
                and not words.is_greeting(asked):
            return True
    return False


def _last_bot_kind(history):
    kinds = _bot_kinds(history)
    return kinds[-1] if kinds else None


def answer(text, *, locale, now, history, customer=None, context=None,
           lookup_allowed=lambda: True):
    """The bot's answer to `text` in `locale` ("en" or "ko"). `history`: the conversation's
    earlier messages as (author, body, meta), oldest first; `customer`: the signed-in User or
    None; `context`: the conversation's context dict; `lookup_allowed()` is called before each
    order lookup by number and email, and False means the lookup limit is spent."""
    with force_locale(locale or "en"):
        return _answer(text or "", str(locale or "en"), now, list(history or ()), customer,
                       context or {}, lookup_allowed)


def _answer(text, locale, now, history, customer, context, lookup_allowed):
    if words.asks_for_person(text):
        return handover("asked")
    if words.is_payment_problem(text):
        return handover("payment")
    if words.is_damage(text):
        return handover("damage")
    error = context.get("checkout_error")
    if isinstance(error, dict) and error.get("code") and words.is_why(text):
        return checkout_error_answer(error)

    found = _from_order_talk(text, locale, now, history, customer, context, lookup_allowed)
    if found is not None:
        return found

    if words.is_greeting(text):
        return greeting()
    if words.is_order_status(text):
        return orders_question(customer, now, with_times=words.is_delivery_time(text))
    if words.is_return(text):
        return return_policy_answer(text, context, now)
    match = faqmatch.best_match(text)
    if match is not None:
        return faq_answer(match.entry, locale, now)
    cost, time = words.is_shipping_cost(text), words.is_delivery_time(text)
    if cost or time or words.is_shipping(text):
        return shipping_answer(cost=cost or not time, time=time or not cost)
    if _last_bot_kind(history) == "ask_email":
        return _ask_email_again(history)
    return unsure(twice=_failed_before(history))


def _number_in_history(history):
    """The order number the shopper last gave, and the message that gave it."""
    for author, body, _meta in reversed(history):
        if author == "customer":
            number = words.order_number(body)
            if number:
                return number, body
    return "", ""


def _from_order_talk(text, locale, now, history, customer, context, lookup_allowed):
    """An answer about a named order, or None when the message is about something else."""
    number = words.order_number(text)
    asked = text
    email = words.email(text)
    if not number and email and _last_bot_kind(history) == "ask_email":
        number, asked = _number_in_history(history)
    if not number:
        return None
    return order_answer(number, email, asked, now=now, customer=customer, context=context,
                        lookup_allowed=lookup_allowed, wants_return=words.is_return(asked))


def _ask_email_again(history):
    from .replies import ask_email
    number, _asked = _number_in_history(history)
    return ask_email(number, again=True)
