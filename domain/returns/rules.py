"""The return rules as data: what may come back, for how long, and at what cost.

The policy page, the product page's one-line summary and every return request read the same
rules through rule_for(), so what the shop says and what it enforces cannot drift apart.
"""
from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .. import localized, text
from ..errors import InvalidReturnRule
from ..extensions import db
from ..models import Category, Product, ReturnPolicy, ReturnRule
from ..models.returns import RETURN_ACTIONS, RETURN_SHIPPING
from ..money import Money
from ..pricing import format_rate
from ..shopconfig import get_settings_row
from .faults import legal_minimum

ACTIONS = RETURN_ACTIONS
SCOPES = ("shop", "category", "product")

REASONS = {
    "damaged": _l("Arrived damaged"),
    "wrong_item": _l("Wrong item sent"),
    "not_as_described": _l("Not as described"),
    "missing_parts": _l("Parts missing"),
    "size_fit": _l("Wrong size or fit"),
    "quality": _l("Quality not as expected"),
    "changed_mind": _l("Changed my mind"),
    "other": _l("Another reason"),
}


def action_label(action):
    return {"refund": _("Refund"), "exchange": _("Exchange"), "credit": _("Store credit")}[action]


@dataclass(frozen=True)
class Rule:
    window_days: int = 30
    allow_refund: bool = True
    allow_exchange: bool = True
    allow_credit: bool = True
    final_sale: bool = False
    restocking_fee_bp: int = 0
    return_shipping: str = "free"
    return_shipping_fee: int = 0
    conditions: str = ""
    scope: str = "shop"
    scope_id: int | None = None

    @property
    def actions(self):
        """The actions a customer may choose, in the order the form offers them."""
        if self.final_sale:
            return ()
        allowed = {"refund": self.allow_refund, "exchange": self.allow_exchange,
                   "credit": self.allow_credit}
        return tuple(a for a in ACTIONS if allowed[a])

    @property
    def returnable(self):
        return bool(self.actions)


DEFAULT = Rule()
FIELDS = ("window_days", "allow_refund", "allow_exchange", "allow_credit", "final_sale",
          "restocking_fee_bp", "return_shipping", "return_shipping_fee", "conditions")


def _rule(row, scope, scope_id=None):
    return Rule(**{f: getattr(row, f) for f in FIELDS}, scope=scope, scope_id=scope_id)


def policy():
    """The ReturnPolicy row, or, until the merchant first saves one, an unsaved row holding the
    defaults. Reading never writes: the order and return pages ask for it on every view."""
    row = db.session.get(ReturnPolicy, 1)
    if row is not None:
        return row
    defaults = {column.name: column.default.arg for column in ReturnPolicy.__table__.columns
                if column.default is not None and not callable(column.default.arg)}
    return ReturnPolicy(id=1, **defaults)


def _stored_policy():
    """The ReturnPolicy row for a change, made with its defaults the first time."""
    row = db.session.get(ReturnPolicy, 1)
    if row is None:
        row = policy()
        db.session.add(row)
    return row


def _changed(now):
    """The policy page changed at `now`; a merchant who saves any rule or setting has looked at
    them, so that confirms them too."""
    row = _stored_policy()
    row.changed_at = now
    row.confirmed_at = row.confirmed_at or now
    return row


def confirmed():
    """Whether the merchant has confirmed the return rules: only then does the storefront state
    them as the shop's terms."""
    return policy().confirmed_at is not None


def confirm(now):
    """The merchant confirms the rules as the return rules page shows them, suggestions
    included: the shop's rule is stored as it stands, so the promise no longer depends on
    the suggestion (DEFAULT) staying what it is."""
    if _row("shop", None) is None:
        db.session.add(ReturnRule(**{f: getattr(DEFAULT, f) for f in FIELDS}, updated_at=now))
    _changed(now)
    db.session.flush()


def _row(scope, scope_id):
    column = {"shop": None, "category": ReturnRule.category_id, "product": ReturnRule.product_id}[scope]
    query = db.select(ReturnRule)
    if column is None:
        query = query.where(ReturnRule.category_id.is_(None), ReturnRule.product_id.is_(None))
    else:
        query = query.where(column == scope_id)
    return db.session.scalar(query)


def rule_for(product_id, category_id):
    """The rule for a product: its own, else its category's, else the shop's, else DEFAULT."""
    rows = db.session.scalars(db.select(ReturnRule).where(db.or_(
        ReturnRule.product_id == product_id,
        ReturnRule.category_id == category_id,
        db.and_(ReturnRule.category_id.is_(None), ReturnRule.product_id.is_(None))))).all()
    return pick(rows, product_id, category_id)


def pick(rows, product_id, category_id):
    """The most specific of `rows` (ReturnRule rows) for a product, as a Rule."""
    by_scope = {}
    for row in rows:
        if row.product_id is not None:
            if row.product_id == product_id:
                by_scope["product"] = row
        elif row.category_id is not None:
            if category_id is not None and row.category_id == category_id:
                by_scope["category"] = row
        else:
            by_scope["shop"] = row
    for scope, scope_id in (("product", product_id), ("category", category_id), ("shop", None)):
        if scope in by_scope:
            return _rule(by_scope[scope], scope, scope_id)
    return DEFAULT


def all_rules():
    """Every ReturnRule row: few enough (one per category or exception) to load at once."""
    return db.session.scalars(db.select(ReturnRule)).all()


def line_rules(order):
    """{order_line_id: Rule} for every line of an order, loading the rules once."""
    rows = all_rules()
    product_ids = [line.product_id for line in order.lines if line.product_id]
    categories = dict(db.session.execute(
        db.select(Product.id, Product.category_id).where(Product.id.in_(product_ids))).all()) \
        if product_ids else {}
    return {line.id: pick(rows, line.product_id, categories.get(line.product_id))
            if line.product_id else DEFAULT for line in order.lines}


@dataclass(frozen=True)
class RuleRow:
    label: str
    scope: str
    scope_id: int | None
    rule: Rule
    # True when this category or product has a rule of its own.
    overridden: bool


def rules_table():
    """The shop's rule, each category's effective rule, then each product exception."""
    rows = all_rules()
    shop = pick(rows, None, None)
    table = [RuleRow(str(_("All other products")), "shop", None, shop, True)]
    categories = db.session.scalars(db.select(Category).order_by(Category.position, Category.name)).all()
    for category in categories:
        rule = pick(rows, None, category.id)
        table.append(RuleRow(localized.text(category, "name"), "category", category.id, rule, rule.scope == "category"))
    product_ids = [r.product_id for r in rows if r.product_id is not None]
    if product_ids:
        products = db.session.scalars(db.select(Product).where(Product.id.in_(product_ids))
                                      .order_by(Product.title)).all()
        for product in products:
            table.append(RuleRow(localized.text(product, "title"), "product", product.id,
                                 pick(rows, product.id, product.category_id), True))
    return table


def _clean(values):
    problems = {}
    clean = {}
    try:
        clean["window_days"] = int(values.get("window_days"))
        if not 0 <= clean["window_days"] <= 3650:
            raise ValueError
    except (TypeError, ValueError):
        problems["window_days"] = _("Enter the return window as whole days, from 0 to 3650.")
    for flag in ("allow_refund", "allow_exchange", "allow_credit", "final_sale"):
        clean[flag] = bool(values.get(flag))
    try:
        clean["restocking_fee_bp"] = int(values.get("restocking_fee_bp") or 0)
        if not 0 <= clean["restocking_fee_bp"] <= 10000:
            raise ValueError
    except (TypeError, ValueError):
        problems["restocking_fee_bp"] = _("The restocking fee must be between 0 and 100 %.")
    clean["return_shipping"] = values.get("return_shipping") or "free"
    if clean["return_shipping"] not in RETURN_SHIPPING:
        problems["return_shipping"] = _("Choose who pays for return shipping.")
    fee = values.get("return_shipping_fee") or 0
    clean["return_shipping_fee"] = fee if isinstance(fee, int) else 0
    if clean["return_shipping"] == "flat" and clean["return_shipping_fee"] <= 0:
        problems["return_shipping_fee"] = _("Enter the flat return shipping fee, or choose "
                                            "another option.")
    if clean["return_shipping"] != "flat":
        clean["return_shipping_fee"] = 0
    clean["conditions"] = (values.get("conditions") or "").strip()[:500]
    if not clean["final_sale"] and not any(clean[f] for f in ("allow_refund", "allow_exchange",
                                                                "allow_credit")):
        problems["allow_refund"] = _("Allow at least one of refund, exchange or store credit, "
                                     "or mark the products final sale.")
    if problems:
        raise InvalidReturnRule(_("Please check the fields marked below."), problems)
    return clean


def save_rule(scope, scope_id, values, now, currency="USD"):
    """Create or update the rule of the shop, a category or a product. `values` holds plain
    values (return_shipping_fee already in minor units). Changes the policy page's date."""
    if scope not in SCOPES or (scope == "shop") != (scope_id is None):
        raise InvalidReturnRule(_("Choose what the rule applies to."))
    clean = _clean(values)
    row = _row(scope, scope_id)
    if row is None:
        row = ReturnRule(category_id=scope_id if scope == "category" else None,
                         product_id=scope_id if scope == "product" else None)
        db.session.add(row)
    for key, value in clean.items():
        setattr(row, key, value)
    row.updated_at = now
    _changed(now)
    db.session.flush()
    return row


def delete_rule(scope, scope_id, now):
    """Remove a category's or product's own rule: the wider rule applies to it again."""
    if scope not in ("category", "product"):
        raise InvalidReturnRule(_("The shop's own rule can be changed but not removed."))
    row = _row(scope, scope_id)
    if row is not None:
        db.session.delete(row)
        _changed(now)
        db.session.flush()


def save_policy(values, now):
    """Save how returns travel and are processed, and the general rules' Markdown."""
    problems = {}
    clean = {}
    for name, message in (("transit_days", _("Enter the transit allowance as whole days, 0 or more.")),
                          ("refund_promise_days", _("Enter the refund promise as whole days, 0 or more."))):
        try:
            clean[name] = int(values.get(name))
            if not 0 <= clean[name] <= 365:
                raise ValueError
        except (TypeError, ValueError):
            problems[name] = message
    try:
        # A form without the field (sent before it existed) keeps the stored window.
        raw = values.get("fault_window_days")
        clean["fault_window_days"] = int(policy().fault_window_days if raw is None else raw)
        if not 0 <= clean["fault_window_days"] <= 3650:
            raise ValueError
    except (TypeError, ValueError):
        problems["fault_window_days"] = _("Enter the window for damaged or wrong items as whole "
                                          "days, from 0 to 3650.")
    else:
        floor = legal_minimum(get_settings_row().currency)
        if raw is not None and clean["fault_window_days"] < floor:
            problems["fault_window_days"] = _(
                "The law gives customers at least %(num)d days (3 months from delivery) to send "
                "back goods that are damaged, wrong or not as described.", num=floor)
    clean["pickup_enabled"] = bool(values.get("pickup_enabled"))
    clean["dropoff_enabled"] = bool(values.get("dropoff_enabled"))
    if not (clean["pickup_enabled"] or clean["dropoff_enabled"]):
        problems["dropoff_enabled"] = _("Offer pickup, drop-off or both, so returns can reach you.")
    for name in ("pickup_instructions", "dropoff_instructions"):
        clean[name] = (values.get(name) or "").strip()[:2000]
    clean["general_md"] = (values.get("general_md") or "").strip()
    if problems:
        raise InvalidReturnRule(_("Please check the fields marked below."), problems)
    row = _stored_policy()
    for key, value in clean.items():
        setattr(row, key, value)
    row.general_html = text.render_markdown(row.general_md)
    main = get_settings_row().main_language
    for lang, texts in (values.get("translations") or {}).items():
        if lang != main:
            localized.set_translation(row, lang, texts, main)
    _changed(now)
    db.session.flush()
    return row


def methods(row):
    """The ways a return can travel back, as (key, label, instructions)."""
    options = []
    if row.pickup_enabled:
        options.append(("pickup", _("Courier pickup"), localized.text(row, "pickup_instructions")))
    if row.dropoff_enabled:
        options.append(("dropoff", _("Drop-off"), localized.text(row, "dropoff_instructions")))
    return options


def summary(rule, currency, locale=None):
    """One line for the product page: "Free returns within 30 days"."""
    locale = locale or get_locale() or "en"
    if not rule.returnable:
        return _("Final sale: this item cannot be returned")
    days = rule.window_days
    free = rule.return_shipping == "free" and not rule.restocking_fee_bp
    if days == 0:
        line = _("Free returns on the day of delivery") if free else _("Returns on the day of delivery")
    elif free:
        line = ngettext("Free returns within %(num)d day", "Free returns within %(num)d days", days)
    else:
        line = ngettext("Returns within %(num)d day", "Returns within %(num)d days", days)
    if not free:
        if rule.return_shipping == "flat":
            fee = Money(rule.return_shipping_fee, currency).format(locale)
            line = _("%(line)s · %(fee)s return shipping", line=line, fee=fee)
        elif rule.return_shipping == "customer":
            line = _("%(line)s · you send it back at your cost", line=line)
        if rule.restocking_fee_bp:
            line = _("%(line)s · %(rate)s %% restocking fee", line=line,
                     rate=format_rate(rule.restocking_fee_bp))
    if rule.actions == ("exchange",):
        line = _("%(line)s · exchange only", line=line)
    return line
