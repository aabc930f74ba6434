"""Policy pages: the returns policy as shoppers read it, and the privacy and terms texts the
merchant writes in Markdown.

Storefront pages only read here. Until the merchant confirms the return rules (or saves any of
them), the returns page states no terms: the suggested rules still decide return requests, but
they are not a promise the merchant made.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from . import localized, shopconfig, text
from .errors import InvalidReturnRule
from .extensions import db
from .models import PolicyPage, Product, Variant
from .returns import faults
from .returns import rules as return_rules

PAGES = ("privacy", "terms")
MAX_PAGE_LENGTH = 50_000


@dataclass(frozen=True)
class ReturnsPolicy:
    """What /policies/returns shows: the settings row, the rules table, the ways back, and the
    rule for goods that arrived damaged, wrong or not as described (faults.Terms); before the
    merchant confirmed the rules, only the fault rule, which the code enforces either way."""
    policy: object
    rows: list
    methods: list
    faults: object = None
    confirmed: bool = True
    # Whose consumer law the page can state for certain: "KR" for a shop selling in won.
    statutory: str | None = None


def returns_policy(currency):
    """The returns policy page of a shop selling in `currency` (its legal minimums differ)."""
    policy = return_rules.policy()
    if policy.confirmed_at is None:
        return ReturnsPolicy(policy=policy, rows=[], methods=[], confirmed=False,
                             faults=faults.terms(policy, currency),
                             statutory="KR" if currency == "KRW" else None)
    return ReturnsPolicy(policy=policy, rows=return_rules.rules_table(),
                         methods=return_rules.methods(policy),
                         faults=faults.terms(policy, currency))


def page(name):
    """The stored privacy or terms page, or None while the merchant has not written it."""
    return db.session.get(PolicyPage, name)


def save_page(name, body_md, now, translations=None):
    """Store a policy's Markdown with its sanitised HTML; InvalidReturnRule if it is too long."""
    if name not in PAGES:
        raise InvalidReturnRule(_("There is no such policy page."))
    body_md = (body_md or "").strip()
    if len(body_md) > MAX_PAGE_LENGTH:
        raise InvalidReturnRule(
            _("Please keep the policy to %(num)d characters.", num=MAX_PAGE_LENGTH),
            {"body_md": _("Please keep the policy to %(num)d characters.", num=MAX_PAGE_LENGTH)})
    row = db.session.get(PolicyPage, name)
    if row is None:
        row = PolicyPage(name=name)
        db.session.add(row)
    row.body_md = body_md
    row.body_html = text.render_markdown(body_md)
    row.updated_at = now
    main = shopconfig.get_settings_row().main_language
    for lang, values in (translations or {}).items():
        if lang != main:
            localized.set_translation(row, lang, values, main)
    db.session.flush()
    return row


def find_products(reference):
    """The products a merchant's reference names: the one whose address it is (its slug, or a
    pasted "/products/rice-bowl" or full URL), else every product with a variant of that SKU.
    A SKU may be on several products (stores reuse them); the caller asks which one."""
    reference = (reference or "").strip()
    if not reference:
        return []
    slug = reference.rstrip("/").rsplit("/", 1)[-1]
    by_slug = db.session.scalar(db.select(Product).where(Product.slug == slug.lower()))
    if by_slug is not None:
        return [by_slug]
    by_sku = db.select(Variant.product_id).where(db.func.lower(Variant.sku) == reference.lower())
    return db.session.scalars(db.select(Product).where(Product.id.in_(by_sku))
                              .order_by(Product.title, Product.id).limit(10)).all()


def save_product_rule(reference, values, now, currency):
    """Save the rule of the product a merchant named by SKU or slug; the product or raises."""
    found = find_products(reference)
    if len(found) != 1:
        if not (reference or "").strip():
            message = _("Enter the product's SKU or the last part of its address.")
        elif not found:
            message = _("No product has the SKU or address “%(ref)s”.", ref=(reference or "")[:60])
        else:
            message = _("The SKU “%(ref)s” is on several products (%(titles)s): enter the last "
                        "part of the product's address instead.", ref=reference.strip()[:60],
                        titles=", ".join(f"“{p.title}”" for p in found))
        raise InvalidReturnRule(message, {"product": message})
    return_rules.save_rule("product", found[0].id, values, now, currency)
    return found[0]


def storefront_rule(product_id, category_id):
    """The rule in force for a product, as returns.rule_for() finds it, from the rules the
    shop's cached settings snapshot holds: the product page, the busiest, adds no query."""
    return return_rules.pick(shopconfig.current().return_rules, product_id,
                             category_id)
