"""Taking the demo out of a shop that has become the merchant's own.

Only what the demo made goes, recognised by what the demo writes: its products by their SKUs
(every variant's), its categories and accounts by name, its settings, shipping methods, return
rules and policy texts where they still read exactly as the demo wrote them. Whatever the
merchant has changed or added stays. The shop's orders are never deleted: a demo product an
order (or a return) names is archived instead, and a demo account that orders or store credit
name is kept but locked (an unknown password, no sessions, no back office). The only orders
that go are the demo's own sample orders, made by load-demo and told apart by their checkout
token (reviews.DEMO_ORDER_TOKEN), with the reviews, thank-you credit, review requests and
satisfaction answers the demo wrote for them; its testimonials and change note go too, and
the points those orders earned (taken off a kept account's balances). The demo's coupons go
unless an order of the shop's own used them, its tiers where they still read as the demo wrote
them, and its loyalty settings go back to their defaults.

find() looks and changes nothing; remove() applies what find() found, in the caller's
transaction; the photo files go only after that commits (delete_photo_files).
"""
import secrets
from dataclasses import dataclass, field, replace

from .. import accounts, storage
from ..extensions import db
from ..models import (ChangeNote, Category, Coupon, CouponUse, CreditEntry, FaqCategory,
                      LoyaltySettings, LoyaltyTier, Order, OrderLine, PointsEntry,
                      PolicyPage, Product, ProductImage, ReturnPolicy, ReturnRule, Review,
                      Satisfaction, ShippingMethod, ShopSettings, Testimonial, User, Variant)
from ..models import CauseDonation
from ..models.returns import ReturnLine, ReturnRequest
from ..returns.rules import DEFAULT, FIELDS
from ..reviews import ratings, records
from . import campaigns as demo_campaigns, demo_skus, newsletter
from .faq import ENTRIES as FAQ_ENTRIES, TOPICS as FAQ_TOPICS
from .helpdesk import help_desk_leftovers
from .loyalty import COUPONS as LOYALTY_COUPONS, SETTINGS as LOYALTY_SETTINGS, TIERS
from .catalogue import CATEGORIES, CUSTOMER_EMAIL, MERCHANT_EMAIL, SETTINGS, SHIPPING
from .policies import (CATEGORY_RULES, GENERAL_MD, PRIVACY_MD, PROCESSING, SHOP_RULE, TERMS_MD)
from .reviews import CHANGE_NOTE, DEMO_ORDER_TOKEN, testimonial_quotes

DEMO_EMAILS = (MERCHANT_EMAIL, CUSTOMER_EMAIL)
MONEY_SETTINGS = ("currency", "tax_rate_bp", "prices_include_tax", "free_shipping_threshold")


@dataclass
class Leftovers:
    """What of the demo is still in the shop, and what will become of it."""
    products: list = field(default_factory=list)           # deleted, with their photos
    archived: list = field(default_factory=list)           # orders or returns name them
    categories: list = field(default_factory=list)         # deleted
    kept_categories: list = field(default_factory=list)    # the merchant's products are in them
    accounts: list = field(default_factory=list)           # deleted
    locked_accounts: list = field(default_factory=list)    # orders or store credit name them
    settings: list = field(default_factory=list)           # field names set back to defaults
    kept_settings: list = field(default_factory=list)      # the merchant's prices rely on them
    shipping_methods: list = field(default_factory=list)
    rules: list = field(default_factory=list)              # the shop's and categories' rules
    return_policy: object = None
    policy_pages: list = field(default_factory=list)
    # The help page's written questions as the demo wrote them, and its topics left empty.
    # The answers generated from the rules stay: they say what the merchant's rules are.
    questions: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    saved_replies: list = field(default_factory=list)      # still as the demo wrote them
    conversations: list = field(default_factory=list)      # the demo customer's questions
    # The demo's sample orders, with the reviews, thank-you credit and answers written for them.
    demo_orders: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    credit: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    testimonials: list = field(default_factory=list)       # still as the demo wrote them
    change_notes: list = field(default_factory=list)       # still as the demo wrote them
    points: list = field(default_factory=list)             # ledger rows of the demo's orders
    coupons: list = field(default_factory=list)            # no order of the shop's used them
    tiers: list = field(default_factory=list)              # still as the demo wrote them
    loyalty_settings: list = field(default_factory=list)   # field names set back to defaults
    campaigns: list = field(default_factory=list)          # the demo's sent newsletter
    consents: list = field(default_factory=list)           # its subscribers' consents
    # The demo's brand and cause settings still as it wrote them ("logo", "colour", ...), its
    # logo's key (the files go once the removal is committed) and its donation note.
    brand: list = field(default_factory=list)
    logo_key: str = ""
    donations: list = field(default_factory=list)
    orders: int = 0                                        # the shop's own; all of them stay

    @property
    def photos(self):
        return sum(len(product.images) for product in self.products)

    def __bool__(self):
        return any((self.products, self.archived, self.categories, self.accounts,
                    self.locked_accounts, self.settings, self.shipping_methods, self.rules,
                    self.return_policy, self.policy_pages, self.questions, self.topics,
                    self.saved_replies, self.conversations, self.demo_orders,
                    self.testimonials, self.change_notes, self.points, self.coupons,
                    self.tiers, self.loyalty_settings, self.campaigns, self.brand,
                    self.donations))


def own_merchant_exists():
    """True once the shop has a merchant account that is not the demo's."""
    return db.session.scalar(db.select(User.id).where(
        User.is_merchant.is_(True), User.email.not_in(DEMO_EMAILS)).limit(1)) is not None


def find():
    """The demo's leftovers in this shop; changes nothing."""
    found = Leftovers(orders=db.session.scalar(db.select(db.func.count(Order.id))
                                               .where(~_demo_order(Order.checkout_token))) or 0)
    _find_demo_orders(found)
    _find_products(found)
    _find_categories(found)
    _find_accounts(found)
    _find_settings(found)
    _find_policies(found)
    _find_questions(found)
    _find_loyalty(found)
    found.campaigns, found.consents = demo_campaigns.leftovers()
    _find_brand(found)
    found.saved_replies, found.conversations = help_desk_leftovers()
    return found


def _demo_order(token_column):
    return token_column.startswith(DEMO_ORDER_TOKEN, autoescape=True)


def _find_demo_orders(found):
    found.demo_orders = db.session.scalars(db.select(Order).where(
        _demo_order(Order.checkout_token)).order_by(Order.id)).all()
    ids = [order.id for order in found.demo_orders] or [0]
    found.reviews = db.session.scalars(db.select(Review).where(Review.order_id.in_(ids))
                                       .order_by(Review.id)).all()
    found.credit = db.session.scalars(db.select(CreditEntry).where(
        CreditEntry.order_id.in_(ids))).all()
    found.answers = db.session.scalars(db.select(Satisfaction).where(
        Satisfaction.order_id.in_(ids))).all()
    found.testimonials = db.session.scalars(db.select(Testimonial).where(
        Testimonial.quote.in_(testimonial_quotes())).order_by(Testimonial.id)).all()
    found.change_notes = db.session.scalars(db.select(ChangeNote).where(
        ChangeNote.text == CHANGE_NOTE["text"])).all()


def _find_brand(found):
    import hashlib

    from . import brand as demo_brand
    row = db.session.get(ShopSettings, 1)
    if row is None:
        return
    logo = hashlib.sha256(demo_brand.draw_logo()).hexdigest()[:24]
    if row.logo_key == logo:
        found.brand.append("logo")
        found.logo_key = logo
    for part, same in (("colour", row.brand_colour == demo_brand.COLOUR),
                       ("About page", row.about_md == demo_brand.saved_about()),
                       ("social profiles", row.social_links == demo_brand.SOCIAL),
                       ("cause", row.cause_name == demo_brand.CAUSE_NAMES)):
        if same:
            found.brand.append(part)
    found.donations = db.session.scalars(db.select(CauseDonation).where(
        CauseDonation.note == demo_brand.DONATION_NOTE)).all()


def _find_loyalty(found):
    ids = [order.id for order in found.demo_orders] or [0]
    found.points = db.session.scalars(db.select(PointsEntry).where(
        PointsEntry.order_id.in_(ids)).order_by(PointsEntry.id)).all()
    for spec in LOYALTY_COUPONS:
        coupon = db.session.scalar(db.select(Coupon).where(Coupon.code == spec["code"],
                                                           Coupon.name == spec["name"]))
        if coupon is not None and db.session.scalar(db.select(CouponUse.id).where(
                CouponUse.coupon_id == coupon.id, CouponUse.order_id.not_in(ids)).limit(1)) is None:
            found.coupons.append(coupon)
    for name_en, name_ko, orders, spend, extra, free, birthday, early in TIERS:
        tier = db.session.scalar(db.select(LoyaltyTier).where(
            LoyaltyTier.name_en == name_en, LoyaltyTier.name_ko == name_ko,
            LoyaltyTier.min_orders == orders, LoyaltyTier.min_spend == spend,
            LoyaltyTier.extra_points_bp == extra, LoyaltyTier.free_shipping.is_(free),
            LoyaltyTier.birthday_points == birthday, LoyaltyTier.early_access.is_(early)))
        if tier is not None:
            found.tiers.append(tier)
    row = db.session.get(LoyaltySettings, 1)
    if row is not None:
        found.loyalty_settings = [
            name for name, value in LOYALTY_SETTINGS.items()
            if getattr(row, name) == value and value != _default(name, LoyaltySettings)]


def _find_products(found):
    skus = demo_skus()
    named = set(db.session.scalars(db.select(OrderLine.product_id).join(Order).where(
        OrderLine.product_id.is_not(None), ~_demo_order(Order.checkout_token))))
    # Returns of the demo's own orders go with them (the order history's refunds).
    named |= set(db.session.scalars(db.select(ReturnLine.product_id).join(ReturnRequest)
                                    .join(Order, Order.id == ReturnRequest.order_id).where(
        ReturnLine.product_id.is_not(None), ~_demo_order(Order.checkout_token))))
    candidates = db.session.scalars(
        db.select(Product).where(Product.id.in_(
            db.select(Variant.product_id).where(Variant.sku.in_(sorted(skus)))))
        .order_by(Product.id))
    for product in candidates:
        # A product the merchant gave a variant of their own is theirs now.
        if not product.variants or not all(v.sku in skus for v in product.variants):
            continue
        if product.id not in named:
            found.products.append(product)
        elif product.status != "archived" or product.featured or product.category_id:
            found.archived.append(product)


def _find_categories(found):
    names = [kind.name for kind in CATEGORIES]
    leaving = {product.id for product in found.products + found.archived}
    for category in db.session.scalars(db.select(Category).where(Category.name.in_(names))
                                       .order_by(Category.position, Category.id)):
        others = db.session.scalar(db.select(db.func.count(Product.id)).where(
            Product.category_id == category.id, Product.id.not_in(sorted(leaving) or [0])))
        if others:
            found.kept_categories.append(category)
            if _rule_is_the_demos(_category_rule(category), CATEGORY_RULES.get(category.name)):
                found.rules.append(_category_rule(category))
        else:
            found.categories.append(category)


def _find_accounts(found):
    for user in db.session.scalars(db.select(User).where(User.email.in_(DEMO_EMAILS))
                                   .order_by(User.id)):
        named = db.session.scalar(db.select(Order.id).where(
            Order.user_id == user.id, ~_demo_order(Order.checkout_token)).limit(1)) \
            or db.session.scalar(db.select(CreditEntry.id).where(
                CreditEntry.user_id == user.id,
                CreditEntry.id.not_in([entry.id for entry in found.credit] or [0])).limit(1))
        (found.locked_accounts if named else found.accounts).append(user)


def _find_settings(found):
    row = db.session.get(ShopSettings, 1)
    if row is not None:
        found.settings = [name for name, value in SETTINGS.items()
                          if getattr(row, name) == value and value != _default(name)]
        leaving = {product.id for product in found.products + found.archived}
        own_products = db.session.scalar(db.select(Product.id).where(
            Product.id.not_in(sorted(leaving) or [0])).limit(1))
        if own_products is not None:
            # The merchant's own products are priced in this currency, with these taxes: set
            # back to dollars, a ₩39,000 bowl would cost $390.00.
            found.kept_settings = [name for name in found.settings if name in MONEY_SETTINGS]
            found.settings = [name for name in found.settings if name not in MONEY_SETTINGS]
    for name, region, price, low, high in SHIPPING:
        method = db.session.scalar(db.select(ShippingMethod).where(
            ShippingMethod.name == name, ShippingMethod.region == region,
            ShippingMethod.price == price, ShippingMethod.days_min == low,
            ShippingMethod.days_max == high))
        if method is not None:
            found.shipping_methods.append(method)


def _find_policies(found):
    shop_rule = db.session.scalar(db.select(ReturnRule).where(
        ReturnRule.category_id.is_(None), ReturnRule.product_id.is_(None)))
    if _rule_is_the_demos(shop_rule, {}):
        found.rules.append(shop_rule)
    policy = db.session.get(ReturnPolicy, 1)
    if policy is not None and policy.general_md == GENERAL_MD.strip() and all(
            getattr(policy, name) == value for name, value in PROCESSING.items()):
        found.return_policy = policy
    for name, text in (("privacy", PRIVACY_MD), ("terms", TERMS_MD)):
        page = db.session.get(PolicyPage, name)
        if page is not None and page.body_md == text.strip():
            found.policy_pages.append(page)


def _find_questions(found):
    written = {question: answer for _slug, question, answer, _q, _a in FAQ_ENTRIES}
    topics = db.session.scalars(db.select(FaqCategory).where(
        FaqCategory.slug.in_(list(FAQ_TOPICS))).order_by(FaqCategory.position, FaqCategory.id))
    for topic in topics:
        demos = [entry for entry in topic.entries if not entry.generated
                 and written.get(entry.question) == entry.answer_md]
        found.questions.extend(demos)
        if len(demos) == len(topic.entries):
            found.topics.append(topic)


def _category_rule(category):
    return db.session.scalar(db.select(ReturnRule).where(ReturnRule.category_id == category.id))


def _rule_is_the_demos(row, differences):
    """True when row holds exactly the demo's rule: the shop's, with `differences`."""
    if row is None or differences is None:
        return False
    demo = replace(DEFAULT, **{**SHOP_RULE, **differences})
    return all(getattr(row, name) == getattr(demo, name) for name in FIELDS)


def _default(name, model=ShopSettings):
    column = model.__table__.columns[name]
    if column.default is None:
        return None
    value = column.default.arg
    return value(None) if callable(value) else value


def remove(found):
    """Take out what find() found; flushes, never commits. Returns the photo keys whose files
    may go once the transaction has committed (see delete_photo_files)."""
    keys = {image.key for product in found.products for image in product.images}
    demo_campaigns.remove(found.campaigns, found.consents)
    _remove_demo_orders(found)
    for product in found.archived:
        product.status, product.featured, product.category_id = "archived", False, None
    for product in found.products:
        db.session.delete(product)
    for category in found.categories:
        db.session.delete(category)
    for user in found.accounts:
        db.session.delete(user)
    for user in found.locked_accounts:
        # Its sign-in was printed when the demo was loaded: nobody may use it again. The orders
        # keep their own copy of the address.
        user.email = f"removed-demo-account-{user.id}@example.invalid"
        user.is_merchant, user.staff_role = False, None
        user.set_password(secrets.token_urlsafe(32))
        accounts.end_sessions(user)
    row = db.session.get(ShopSettings, 1)
    for name in found.settings:
        setattr(row, name, _default(name))
    _remove_loyalty(found)
    _remove_brand(found, row)
    if found.logo_key:
        keys.add(found.logo_key)
    newsletter.remove()
    for thing in (*found.shipping_methods, *found.rules, *found.policy_pages, *found.questions,
                  *found.saved_replies, *found.conversations,
                  *([found.return_policy] if found.return_policy is not None else [])):
        db.session.delete(thing)
    db.session.flush()
    for topic in found.topics:
        db.session.expire(topic, ["entries"])
        db.session.delete(topic)
    db.session.flush()
    still_used = set(db.session.scalars(db.select(ProductImage.key).where(
        ProductImage.key.in_(sorted(keys)))))
    return keys - still_used


def _remove_demo_orders(found):
    """The demo's orders and what it wrote for them. Their review photos' files go once this
    commits (the hooks reviews register for an erasure); the thank-you credit is taken back off
    the balance of an account that stays."""
    if found.reviews:
        for hook in records.BEFORE_ERASE:
            hook(found.reviews)
    products = {review.product_id for review in found.reviews}
    for entry in found.credit:
        db.session.execute(db.update(User).where(User.id == entry.user_id)
                           .values(credit_balance=User.credit_balance - entry.amount)
                           .execution_options(synchronize_session=False))
    for thing in (*found.reviews, *found.credit, *found.answers, *found.testimonials,
                  *found.change_notes, *found.demo_orders):
        db.session.delete(thing)
    db.session.flush()
    for product_id in products:
        ratings.recount(product_id)


def _remove_brand(found, row):
    """The demo's brand and cause settings back to none; the shop's own orders keep the share
    they were promised."""
    if "logo" in found.brand:
        row.logo_key = row.logo_width = row.logo_height = None
    if "colour" in found.brand:
        row.brand_colour = ""
    if "About page" in found.brand:
        row.about_md = {}
    if "social profiles" in found.brand:
        row.social_links = {}
    if "cause" in found.brand:
        row.cause_name, row.cause_url, row.cause_bp, row.cause_fixed = {}, "", 0, 0
    for donation in found.donations:
        db.session.delete(donation)


def _remove_loyalty(found):
    """The demo orders' points come off the balances of an account that stays (never below
    zero); the demo's coupons and tiers go (a customer in a tier that goes has none until the
    next recompute); the loyalty settings the demo set go back to their defaults."""
    taken = {}
    for entry in found.points:
        available, pending = taken.get(entry.user_id, (0, 0))
        taken[entry.user_id] = (available + entry.points, pending + entry.pending)
    for user_id, (available, pending) in taken.items():
        user = db.session.get(User, user_id)
        if user is not None:
            user.points_balance = max(0, user.points_balance - available)
            user.points_pending = max(0, user.points_pending - pending)
    tier_ids = [tier.id for tier in found.tiers]
    if tier_ids:
        db.session.execute(db.update(User).where(User.tier_id.in_(tier_ids))
                           .values(tier_id=None, tier_at=None)
                           .execution_options(synchronize_session="fetch"))
    for thing in (*found.points, *found.coupons, *found.tiers):
        db.session.delete(thing)
    row = db.session.get(LoyaltySettings, 1)
    for name in found.loyalty_settings:
        setattr(row, name, _default(name, LoyaltySettings))
    db.session.flush()


def delete_photo_files(keys, store=None):
    """Delete the stored copies of photos no product uses any more; returns how many files
    went. Call after the removal has committed, so a rollback never leaves missing photos.
    `store` is the product photo store (a folder path names a folder store)."""
    still_used = set(db.session.scalars(db.select(ProductImage.key).where(
        ProductImage.key.in_(sorted(keys)))))
    unused = set(keys) - still_used
    store = storage.products_store(store)
    deleted = 0
    # Each photo is stored as products/<key>-<width>.webp, at a few widths (domain.images).
    for name in store.keys("products/"):
        base = name[len("products/"):]
        # A logo has a PNG copy for emails too, products/<key>-email.png (domain.brand).
        if base.endswith((".webp", "-email.png")) and "/" not in base \
                and base.rsplit("-", 1)[0] in unused:
            store.delete(name)
            deleted += 1
    return deleted
