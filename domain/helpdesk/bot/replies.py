"""The bot's answers, each built from the function the shop's own page for it uses: the help
page's generated answers, the tracking page's view of an order, the return form's eligibility,
the returns policy. Texts go through gettext in the language answer() forced."""
from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _

from ... import localized, orders, shopconfig, tracking
from ...extensions import db
from ...faq import generated
from ...models import Order, Product
from ...returns import offer, order_eligibility, rule_for, summary, window_start
from ...returns.rules import action_label
from . import words

# How many of a signed-in customer's orders the bot offers to look at.
RECENT_ORDERS = 5
# How much of a written FAQ answer the chat quotes before sending the shopper to the page.
QUOTE_CHARACTERS = 600


def _answer(*args, **kwargs):
    from . import Answer
    return Answer(*args, **kwargs)


def _link(label, endpoint, **values):
    from . import Link
    return Link(str(label), endpoint, values)


def person_reply():
    """The quick reply that asks for a person (the bot hands over when it is sent)."""
    return _("Talk to a person")


def _locale():
    return str(get_locale() or "en")


def _day(moment, config):
    """A day as the visitor reads it, in the shop's time zone: "March 31, 2026"."""
    return format_date(moment.astimezone(shopconfig.zone(config.timezone)), "long",
                       locale=_locale())


# Hand-over and not sure ----------------------------------------------------------------------

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
    return _answer("handover", texts[reason], handover=True, reason=reason)


def unsure(twice=False):
    """Not sure what was asked: say so and offer a person; the second time, hand over."""
    if twice:
        return handover("unsure_twice")
    return _answer("unsure", _("I'm not sure I understood. You can ask in other words, or talk "
                               "to a person."),
                   links=(_link(_("Browse the help page"), "help.faq"),),
                   quick_replies=(person_reply(),))


def greeting():
    """A hello answered with what the bot can do (not counted as a failure)."""
    return _answer("unsure", _("Hello! I can look up an order, tell you whether something can "
                               "be returned, and answer questions about shipping and our help "
                               "page. What would you like to know?"),
                   quick_replies=(_("Where is my order?"), _("Returns"), _("Shipping cost"),
                                  person_reply()))


# The help page -----------------------------------------------------------------------------

def _generated_text(built):
    lines = [" ".join(built.paragraphs)] if built.paragraphs else []
    lines += [f"• {item}" for item in built.items]
    if built.closing:
        lines.append(" ".join(built.closing))
    return "\n".join(lines)


GENERATED_KINDS = {"returns_window": "return", "shipping_cost": "shipping",
                   "delivery_time": "shipping"}


def _page_label(endpoint):
    return {"policies.returns": _("Returns policy"), "policies.shipping": _("Shipping policy"),
            "orders.lookup": _("Find my order")}[endpoint]


def faq_answer(entry, locale, now):
    """The matched question quoted, its answer (drawn from the rules now for a generated one),
    and a link to it on the help page."""
    question = localized.text(entry, "question", locale)
    link = _link(_("Read it on the help page"), "help.faq", _anchor=f"q-{entry.id}")
    intro = _("From our help page, “%(question)s”:", question=question)
    if entry.generated in generated.BUILDERS:
        built = generated.answer(entry.generated, shopconfig.current())
        links = (link,) + ((_link(_page_label(built.more), built.more),) if built.more else ())
        return _answer(GENERATED_KINDS[entry.generated], intro + "\n" + _generated_text(built),
                       links=links)
    from ...text import plain_text
    body = plain_text(localized.text(entry, "answer_md", locale))
    if len(body) > QUOTE_CHARACTERS:
        body = body[:QUOTE_CHARACTERS].rsplit(" ", 1)[0] + " …"
    return _answer("faq", intro + "\n" + body, links=(link,))


# Shipping ------------------------------------------------------------------------------------

def shipping_answer(cost=True, time=True):
    """Prices and delivery days of the active methods, as the help page's generated answers
    (and checkout) state them."""
    config = shopconfig.current()
    parts = []
    if cost:
        parts.append(_generated_text(generated.shipping_cost(config)))
    if time:
        parts.append(_generated_text(generated.delivery_time(config)))
    return _answer("shipping", "\n\n".join(parts),
                   links=(_link(_page_label("policies.shipping"), "policies.shipping"),))


# Returns without an order ------------------------------------------------------------------

def _page_product(context):
    """The product of the page the chat was opened on, or None."""
    page = context.get("page") if isinstance(context, dict) else None
    if not isinstance(page, dict) or page.get("kind") != "product":
        return None
    product_id = page.get("product_id") or page.get("id")
    if isinstance(product_id, int):
        return db.session.get(Product, product_id)
    path = str(page.get("path") or "")
    if path.startswith("/products/"):
        slug = path[len("/products/"):].strip("/").split("/")[0].split("?")[0]
        if slug:
            return db.session.scalar(db.select(Product).where(Product.slug == slug))
    return None


def _subject_terms(asked):
    """The words of a question that may name a product: not the words asking about returns,
    nor an order number."""
    return [t for t in words.content_terms(asked, limit=12)
            if not words.RETURN.search(t) and len(t) >= 2 and not words.order_number(t)]


def _named_product(asked):
    """The product a question names ("can I return the moon jar?"), found with the
    storefront's search and kept only when its title holds the most of the question's words;
    None when no product, or more than one equally, is named."""
    from ... import catalog
    hits = {}
    for term in _subject_terms(asked):
        for product in catalog.search(term, per_page=5, window=20).items:
            titles = words.normalize(" ".join(localized.text(product, "title", lang)
                                              for lang in shopconfig.LANGUAGES))
            if term in titles:
                entry = hits.setdefault(product.id, [product, 0])
                entry[1] += 1
    if not hits:
        return None
    ranked = sorted(hits.values(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def _actions(actions):
    return ", ".join(action_label(action) for action in actions)


def return_policy_answer(asked, context, now):
    """The return terms of the product the question names or the page shows, else the shop's
    policy in short, from the live rules; both link to the returns policy."""
    config = shopconfig.current()
    policy_link = _link(_page_label("policies.returns"), "policies.returns")
    product = _named_product(asked) or _page_product(context)
    from ...returns import confirmed
    if product is not None and confirmed():
        rule = rule_for(product.id, product.category_id)
        name = localized.text(product, "title")
        if not rule.returnable:
            text = _("%(product)s is final sale: it cannot be returned.", product=name)
        else:
            text = _("%(product)s: %(terms)s. You can choose: %(actions)s. The window starts "
                     "on the day your order is delivered.", product=name,
                     terms=summary(rule, config.currency), actions=_actions(rule.actions))
        text += " " + _("Give me your order number to see the deadline for your order.")
        return _answer("return", text, links=(policy_link,))
    built = generated.returns_window(config)
    text = _generated_text(built) + "\n" + _(
        "Give me your order number to see the deadline for your order.")
    return _answer("return", text, links=(policy_link,))


# Orders --------------------------------------------------------------------------------------

def ask_email(number, again=False):
    if again:
        text = _("That doesn't look like an email address. What email address did you use "
                 "for order %(number)s?", number=number)
    else:
        text = _("What email address did you use for order %(number)s? I need it to find the "
                 "order.", number=number)
    return _answer("ask_email", text)


def orders_question(customer, now, with_times=False):
    """"Where is my order?": a customer picks one of their recent orders; a guest gives the
    number and email. `with_times`: "when will my order arrive?", so the shipping methods'
    delivery days come too."""
    found = _orders_question(customer)
    if not with_times:
        return found
    times = _generated_text(generated.delivery_time(shopconfig.current()))
    return _answer(found.kind, found.text + "\n\n" + times, links=found.links,
                   quick_replies=found.quick_replies)


def _orders_question(customer):
    if customer is not None and getattr(customer, "is_authenticated", True):
        numbers = db.session.scalars(
            db.select(Order.number).where(Order.user_id == customer.id)
            .order_by(Order.placed_at.desc(), Order.id.desc()).limit(RECENT_ORDERS)).all()
        if numbers:
            return _answer("ask_order", _("Which order do you mean?"),
                           quick_replies=tuple(numbers))
        return _answer("ask_order", _(
            "I can't find any orders on your account. If you ordered without signing in, "
            "tell me the order number and the email you used."),
            links=(_link(_page_label("orders.lookup"), "orders.lookup"),))
    return _answer("ask_order", _(
        "Tell me your order number (it looks like K7Q-4D2M and is in your order email) and "
        "the email you ordered with, and I'll look it up."),
        links=(_link(_page_label("orders.lookup"), "orders.lookup"),))


def _owned(order, customer):
    return (order is not None and customer is not None and order.user_id is not None
            and order.user_id == getattr(customer, "id", None))


def _not_found():
    return _answer("order_status", _(
        "I couldn't find an order with that number and email. Please check both: they are in "
        "your order confirmation email."),
        links=(_link(_page_label("orders.lookup"), "orders.lookup"),),
        quick_replies=(person_reply(),))


def limited():
    return _answer("limited", _(
        "There have been too many order look-ups from here in a short time. Please try again "
        "in a few minutes, or talk to a person."), quick_replies=(person_reply(),))


def order_answer(number, email, asked, *, now, customer, context, lookup_allowed, wants_return):
    """The status of order `number` (or its return eligibility when `wants_return`): for its
    signed-in owner at once; otherwise with the order's email, through the tracking page's
    lookup and its rate limit. A wrong email and a wrong number get the same answer."""
    order = orders.by_number(number)
    if _owned(order, customer):
        owner = True
    elif not email:
        return ask_email(number)
    else:
        if not lookup_allowed():
            return limited()
        order = tracking.lookup(number, email)
        if order is None:
            return _not_found()
        owner = _owned(order, customer)
    values = {"number": order.number}
    if not owner:
        values["t"] = orders.tracking_token(order)
    if wants_return:
        return return_answer(order, asked, now, context, values)
    return status_answer(order, now, values)


def status_answer(order, now, values):
    config = shopconfig.current()
    view = tracking.tracking(order, config, now)
    parts = [_("Order %(number)s: %(status)s.", number=order.number,
               status=orders.status_label(order.status))]
    if view.awaiting_transfer:
        parts.append(_("We are waiting for your bank transfer; we pack the order once it "
                       "arrives."))
    if view.delivery is not None:
        first, last = _day(view.delivery.earliest, config), _day(view.delivery.latest, config)
        if first == last:
            parts.append(_("It should arrive on %(day)s.", day=last))
        else:
            parts.append(_("It should arrive between %(first)s and %(last)s.", first=first,
                           last=last))
    if order.tracking_number and order.status in ("shipped", "out_for_delivery"):
        parts.append(_("Carrier: %(carrier)s, tracking number %(number)s.",
                       carrier=order.carrier or "", number=order.tracking_number))
    return _answer("order_status", " ".join(parts),
                   links=(_link(_("Track order %(number)s", number=order.number),
                                "orders.track_order", **values),))


# Returns of an order -------------------------------------------------------------------------

def _names(line):
    names = {line.title or ""}
    if line.product_id:
        product = db.session.get(Product, line.product_id)
        if product is not None:
            for lang in shopconfig.LANGUAGES:
                names.add(localized.text(product, "title", lang))
    return words.normalize(" ".join(names))


def _named_lines(order, asked, context):
    """The order's lines the question names ("the vase"), or the page's product; all lines
    when it names none."""
    terms = _subject_terms(asked)
    named = [line for line in order.lines if any(term in _names(line) for term in terms)]
    if not named:
        product = _page_product(context)
        if product is not None:
            named = [line for line in order.lines if line.product_id == product.id]
    return named or list(order.lines)


def _waiting_for_delivery(order):
    return (order.status not in ("cancelled", "payment_expired")
            and order.payment_method != "exchange" and window_start(order) is None)


def return_answer(order, asked, now, context, values):
    """Whether the order's (named) lines may come back now, until when and how, from the
    rules every return request is checked against."""
    config = shopconfig.current()
    verdicts = order_eligibility(order, now, config)
    may_credit = offer.may_choose_credit(order, order.user_id if "t" not in values else None)
    parts = []
    any_open = False
    for line in _named_lines(order, asked, context):
        verdict = verdicts[line.id]
        name = orders.line_name(line)
        if verdict.ok:
            any_open = True
            actions = [a for a in verdict.rule.actions if a != "credit" or may_credit]
            parts.append(_("%(item)s: you can ask for a return until %(day)s (%(terms)s). You "
                           "can choose: %(actions)s.", item=name,
                           day=_day(verdict.window_closes, config),
                           terms=summary(verdict.rule, config.currency),
                           actions=_actions(actions)))
        elif verdict.rule.returnable and _waiting_for_delivery(order):
            parts.append(_("%(item)s: not delivered yet. The return window starts on the day "
                           "it is delivered: %(terms)s.", item=name,
                           terms=summary(verdict.rule, config.currency)))
        else:
            parts.append(_("%(item)s: it can't be returned (%(reason)s).", item=name,
                           reason=verdict.reason))
    links = []
    if any_open:
        links.append(_link(_("Ask for a return"), "returns.request_form", **values))
    links.append(_link(_page_label("policies.returns"), "policies.returns"))
    header = _("Order %(number)s:", number=order.number)
    return _answer("return", header + "\n" + "\n".join(parts), links=tuple(links))


# Checkout errors ---------------------------------------------------------------------------

def checkout_error_answer(error):
    """"Why?" after checkout failed: what the error means, what to try, and a person."""
    code = str(error.get("code") or "")
    message = str(error.get("message") or "").strip()
    if "declin" in code or "card" in code or "payment" in code:
        text = _("Your card was declined by your bank or card company, not by us; they don't "
                 "tell shops why. Often it is the card's limit, a block on online payments or a "
                 "mistyped number. You can try another card, or choose bank transfer at "
                 "checkout. I'm also passing this conversation to a person.")
        return _answer("handover", text, handover=True, reason="payment")
    text = _("Checkout said: “%(message)s”", message=message) if message else _(
        "Checkout could not place your order.")
    return _answer("unsure", text + " " + _("If that doesn't help, a person can look at it "
                                            "with you."), quick_replies=(person_reply(),))
