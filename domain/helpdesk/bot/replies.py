"""The bot's answers that need no order: hand-over, not sure, hello, the help page's entries,
shipping, and a checkout error explained. Texts go through gettext in the language answer()
forced; shipping and generated entries are drawn from the rules as the help page draws them."""
from flask_babel import gettext as _

from ... import localized, shopconfig
from ...faq import generated
from ...text import plain_text
from .answers import Answer, generated_text, link, page_label, person_reply

# How much of a written FAQ answer the chat quotes before sending the shopper to the page.
QUOTE_CHARACTERS = 600
# The kind of answer each generated help-page entry gives.
GENERATED_KINDS = {"returns_window": "return", "shipping_cost": "shipping",
                   "delivery_time": "shipping"}


def handover(reason):
    texts = {
        "asked": _("Of course. I'm passing this conversation to a person."),
        "unsure_twice": _("I still can't answer that, so I'm passing this conversation to a "
                          "person."),
        "payment": _("A person should look at a payment problem, so I'm passing this "
                     "conversation to one. Please don't write card numbers here."),
        "damage": _("I'm sorry it arrived damaged. I'm passing this conversation to a person, "
                    "who will arrange a replacement or a refund. A photo of the item and its "
                    "box will help."),
    }
    return Answer("handover", texts[reason], handover=True, reason=reason)


def unsure(twice=False):
    """Not sure what was asked: say so and offer a person; the second time, hand over."""
    if twice:
        return handover("unsure_twice")
    return Answer("unsure", _("I'm not sure I understood. You can ask in other words, or talk "
                              "to a person."),
                  links=(link(_("Browse the help page"), "help.faq"),),
                  quick_replies=(person_reply(),))


def greeting():
    """A hello answered with what the bot can do (not counted as a failure)."""
    return Answer("unsure", _("Hello! I can look up an order, tell you whether something can "
                              "be returned, and answer questions about shipping and our help "
                              "page. What would you like to know?"),
                  quick_replies=(_("Where is my order?"), _("Returns"), _("Shipping cost"),
                                 person_reply()))


def thanks():
    """"Thanks": nothing to answer, and no failure either."""
    return Answer("unsure", _("You're welcome! Ask me anything else, or talk to a person."),
                  quick_replies=(person_reply(),))


def faq_answer(entry, lang):
    """The matched question quoted, its answer (drawn from the rules now for a generated
    one), and a link to it on the help page."""
    question = localized.text(entry, "question", lang)
    to_entry = link(_("Read it on the help page"), "help.faq", _anchor=f"q-{entry.id}")
    intro = _("From our help page, “%(question)s”:", question=question)
    if entry.generated in generated.BUILDERS:
        built = generated.answer(entry.generated, shopconfig.current())
        links = (to_entry,) + ((link(page_label(built.more), built.more),) if built.more else ())
        return Answer(GENERATED_KINDS[entry.generated], intro + "\n" + generated_text(built),
                      links=links)
    body = plain_text(localized.text(entry, "answer_md", lang))
    if len(body) > QUOTE_CHARACTERS:
        body = body[:QUOTE_CHARACTERS].rsplit(" ", 1)[0] + " …"
    return Answer("faq", intro + "\n" + body, links=(to_entry,))


def shipping_answer(cost=True, time=True):
    """Prices and delivery days of the active methods, as the help page's generated answers
    (and checkout) state them."""
    config = shopconfig.current()
    parts = []
    if cost:
        parts.append(generated_text(generated.shipping_cost(config)))
    if time:
        parts.append(generated_text(generated.delivery_time(config)))
    return Answer("shipping", "\n\n".join(parts),
                  links=(link(page_label("policies.shipping"), "policies.shipping"),))


def checkout_error_answer(error):
    """"Why?" after checkout failed: what the error means, what to try, and for a card a
    person at once."""
    code = str(error.get("code") or "")
    message = str(error.get("message") or "").strip()[:300]
    if "declin" in code:
        text = _("Your card was declined by your bank or card company, not by us; they don't "
                 "tell shops why. Often it is the card's limit, a block on online payments or a "
                 "mistyped number. You can try another card, or choose bank transfer at "
                 "checkout. I'm also passing this conversation to a person.")
        return Answer("handover", text, handover=True, reason="payment")
    if "card" in code or "payment" in code:
        text = _("The card payment did not go through. "
                 "You can try again, use another card, or choose bank transfer at "
                 "checkout. I'm also passing this conversation to a person.")
        return Answer("handover", text, handover=True, reason="payment")
    said = _("Checkout said: “%(message)s”", message=message) if message else _(
        "Checkout could not place your order.")
    links = ()
    if code == "sold_out":
        said += " " + _("Something in your cart sold out while you were checking out: lower its "
                        "quantity or remove it in your cart, then place the order again.")
        links = (link(_("Your cart"), "cart.view"),)
    elif code == "invalid_address":
        said += " " + _("Please check the address fields marked on the checkout page; a "
                        "postcode or phone number in the wrong form is the usual cause.")
    return Answer("unsure", said + " " + _("If that doesn't help, a person can look at it with "
                                           "you."), links=links, quick_replies=(person_reply(),))
