"""What the bot answers with, and the pieces its answers share."""
from dataclasses import dataclass

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _

from ... import shopconfig
from ...extensions import db
from ...models import Order

# How many of a signed-in customer's orders the bot offers to look at.
RECENT_ORDERS = 5


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
    links: tuple = ()   # Link, ...
    handover: bool = False
    reason: str = ""    # for a hand-over: "asked" | "unsure_twice" | "payment" | "damage"
    quick_replies: tuple = ()  # short plain texts the panel shows as buttons

    def meta(self):
        """What ConversationMessage.meta stores of a bot message (JSON)."""
        return {"kind": self.kind,
                "links": [{"label": link.label, "endpoint": link.endpoint,
                           "values": dict(link.values)} for link in self.links],
                "reason": self.reason, "quick_replies": list(self.quick_replies)}


def link(label, endpoint, **values):
    return Link(str(label), endpoint, values)


def person_reply():
    """The quick reply that asks for a person (the bot hands over when it is sent)."""
    return _("Talk to a person")


def locale():
    return str(get_locale() or "en")


def day(moment, config):
    """A day as the visitor reads it, in the shop's time zone: "March 31, 2026"."""
    return format_date(moment.astimezone(shopconfig.zone(config.timezone)), "long",
                       locale=locale())


def page_label(endpoint):
    """The name of a storefront page the bot links to."""
    return {"policies.returns": _("Returns policy"), "policies.shipping": _("Shipping policy"),
            "orders.lookup": _("Find my order")}[endpoint]


def generated_text(built):
    """A generated help-page answer (domain.faq.generated.Answer) as plain lines."""
    lines = [" ".join(built.paragraphs)] if built.paragraphs else []
    lines += [f"• {item}" for item in built.items]
    if built.closing:
        lines.append(" ".join(built.closing))
    return "\n".join(lines)


def signed_in(customer):
    return customer is not None and getattr(customer, "is_authenticated", True) \
        and getattr(customer, "id", None) is not None


def recent_orders(customer):
    """The numbers of a signed-in customer's latest orders, newest first."""
    if not signed_in(customer):
        return []
    return db.session.scalars(
        db.select(Order.number).where(Order.user_id == customer.id)
        .order_by(Order.placed_at.desc(), Order.id.desc()).limit(RECENT_ORDERS)).all()
