"""Return questions: the terms of a product or of the shop, and whether an order's lines may
come back now, until when and how, read through the functions the return form and the
returns policy use (domain.returns): a rule the merchant changes changes the answer."""
from flask_babel import gettext as _

from ... import localized, orders, shopconfig
from ...extensions import db
from ...faq import generated
from ...models import Product
from ...returns import confirmed, offer, order_eligibility, rule_for, summary, window_start
from ...returns.rules import action_label
from . import faqmatch, words
from .answers import Answer, day, generated_text, link, page_label, recent_orders


def page_product(context):
    """The product of the page the chat was opened on (context["page"]), or None."""
    page = context.get("page") if isinstance(context, dict) else None
    if not isinstance(page, dict) or page.get("kind") != "product":
        return None
    product_id = page.get("product_id") or page.get("id")
    if isinstance(product_id, int):
        return db.session.get(Product, product_id)
    path = str(page.get("path") or "")
    if path.startswith("/products/"):
        slug = path[len("/products/"):].split("?")[0].strip("/").split("/")[0]
        if slug:
            return db.session.scalar(db.select(Product).where(Product.slug == slug))
    return None


def _subject_terms(asked):
    """The words of a question that may name a product: not the words asking about returns,
    nor an order number."""
    return [t for t in words.content_terms(asked, limit=12)
            if not words.RETURN.search(t) and len(t) >= 2 and not words.order_number(t)]


def _titles(product):
    return words.normalize(" ".join(localized.text(product, "title", lang)
                                    for lang in shopconfig.LANGUAGES))


def named_product(asked):
    """The product a question names ("can I return the moon jar?"), found with the
    storefront's search and kept when its title holds more of the question's words than any
    other's; None when no product, or several equally, are named."""
    from ... import catalog
    hits = {}
    for term in _subject_terms(asked):
        for product in catalog.search(term, per_page=5, window=20).items:
            if term in _titles(product):
                hits.setdefault(product.id, [product, 0])[1] += 1
    ranked = sorted(hits.values(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _actions(actions):
    return ", ".join(action_label(action) for action in actions)


def policy_answer(asked, context, customer):
    """The return terms of the product the question names or the page shows, else the shop's
    policy in short, from the live rules; a signed-in customer may pick an order to see its
    deadline."""
    config = shopconfig.current()
    product = named_product(asked) or page_product(context)
    if product is not None and confirmed():
        rule = rule_for(product.id, product.category_id)
        name = localized.text(product, "title")
        if not rule.returnable:
            text = _("%(product)s is final sale: it cannot be returned.", product=name)
        else:
            text = _("%(product)s: %(terms)s. You can choose: %(actions)s. The window starts "
                     "on the day your order is delivered.", product=name,
                     terms=summary(rule, config.currency), actions=_actions(rule.actions))
    else:
        text = generated_text(generated.returns_window(config))
    links = (link(page_label("policies.returns"), "policies.returns"),)
    match = faqmatch.best_match(asked) if product is None else None
    if match is not None and match.entry.generated == "returns_window":
        # The help page asks it in these words: quote it and link to it, as for any entry.
        text = _("From our help page, “%(question)s”:",
                 question=localized.text(match.entry, "question")) + "\n" + text
        links = (link(_("Read it on the help page"), "help.faq",
                      _anchor=f"q-{match.entry.id}"),) + links
    text += "\n" + _("Give me your order number to see the deadline for your order.")
    return Answer("return", text, links=links, quick_replies=tuple(recent_orders(customer)))


def _names(line):
    names = {line.title or ""}
    if line.product_id:
        product = db.session.get(Product, line.product_id)
        if product is not None:
            names.add(_titles(product))
    return words.normalize(" ".join(names))


def _named_lines(order, asked, context):
    """The order's lines the question names ("the vase"), else the page's product's; all
    lines when it names none of them."""
    terms = _subject_terms(asked)
    named = [line for line in order.lines if any(term in _names(line) for term in terms)]
    if not named:
        product = page_product(context)
        if product is not None:
            named = [line for line in order.lines if line.product_id == product.id]
    return named or list(order.lines)


def _waiting_for_delivery(order):
    return (order.status not in ("cancelled", "payment_expired")
            and order.payment_method != "exchange" and window_start(order) is None)


def order_answer(order, asked, now, context, link_values):
    """Whether the order's (named) lines may come back at `now`, until when, and the actions
    the return form would offer; `link_values` open the order's pages for this visitor."""
    config = shopconfig.current()
    verdicts = order_eligibility(order, now, config)
    # Store credit lives on an account: offered when the order's own customer is asking.
    may_credit = offer.may_choose_credit(order, order.user_id if "t" not in link_values else None)
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
                           day=day(verdict.window_closes, config),
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
        links.append(link(_("Ask for a return"), "returns.request_form", **link_values))
    links.append(link(page_label("policies.returns"), "policies.returns"))
    header = _("Order %(number)s:", number=order.number)
    return Answer("return", header + "\n" + "\n".join(parts), links=tuple(links))
