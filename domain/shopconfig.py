"""The merchant's settings, shipping methods and categories, cached per process, and the
storefront version that tells every process when its caches are stale.

Every page needs the settings, and they change rarely, so each process keeps a snapshot and
reloads it when the storefront version (domain/storefront_version.py) moves. Any commit that
touches the catalogue, settings or shipping tables moves it (see watch_changes): a file's mtime
on SQLite, a row moved inside the same transaction on PostgreSQL, so every process of every
server sees the change on its next request.
"""
import threading
from dataclasses import dataclass, field
from itertools import chain
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext, ngettext
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import storefront_version
from .business import BusinessInfo
from .extensions import db
from .helpdesk import hours
from .models import (BusinessHours, Category, ChangeNote, Coupon, FaqCategory, FaqEntry, Holiday,
                     PolicyPage, Product, ProductComplement, ProductImage,
                     ProductPair, ReturnPolicy, ReturnRule, Review,
                     ReviewPhoto, ShippingMethod, ShopSettings, Testimonial, Variant)

# The languages the shop speaks (translations/<code>), each named in itself for the pickers.
LANGUAGES = ("en", "ko")
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}

_lock = threading.Lock()
# Where an app keeps its (version, ShopConfig) snapshot, in app.extensions.
_SNAPSHOT = "shop_settings"


@dataclass(frozen=True)
class Shipping:
    id: int
    name: str
    region: str
    price: int
    days_min: int
    days_max: int


def delivery_days(days_min, days_max):
    """How long a shipping method takes: "1 day", "3 days" or "2–3 days". Checkout, the
    shipping policy and the help page's delivery answer all say it this way."""
    if days_min == days_max:
        return ngettext("%(num)d day", "%(num)d days", days_max)
    return gettext("%(min)d–%(max)d days", min=days_min, max=days_max)


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    slug: str
    name: str
    description: str
    translations: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ShopConfig:
    name: str
    tagline: str
    email: str
    phone: str
    address: str
    currency: str
    tax_rate_bp: int
    prices_include_tax: bool
    free_shipping_threshold: int | None
    default_region: str
    timezone: str
    low_stock_threshold: int
    updated_at: object
    undo_minutes: int = 30
    bank_account: str = ""
    bank_transfer_days: int = 3
    card_payment_minutes: int = 30
    thank_you_note: str = ""
    carriers: tuple = field(default_factory=tuple)
    main_language: str = "en"
    ship_countries: tuple = field(default_factory=tuple)
    # The merchant alerts switched off (domain.alerts.SWITCHES).
    alerts_off: tuple = field(default_factory=tuple)
    shipping_methods: tuple = field(default_factory=tuple)
    categories: tuple = field(default_factory=tuple)
    # Every ReturnRule, detached: the product page shows each product's return summary from
    # these (domain.returns.rules.pick) rather than querying the busiest page.
    return_rules: tuple = field(default_factory=tuple)
    # Until the merchant confirms the return rules, the storefront states no return terms.
    return_rules_confirmed: bool = False
    # Test mode (PAYMENTS_TEST_MODE, the process's configuration, not the database): the test card
    # is offered and every storefront page says no real payments are taken.
    test_mode: bool = False
    business: BusinessInfo = field(default_factory=BusinessInfo)
    # When the shop answers and how fast it promises to (domain/helpdesk/hours.py).
    schedule: hours.Schedule = field(default_factory=hours.Schedule)
    reopen_days: int = 14
    # {"en": {"name": .., "greeting": ..}, "ko": {..}}: who answers, per language.
    persona: dict = field(default_factory=dict)
    # Stalled checkouts (domain/checkouts.py).
    help_offer_minutes: int = 5
    reminder_hours: int = 10
    reminder_on: bool = True
    # Staying in touch (issue-wide settings; see the ShopSettings columns for their meaning).
    handling_days: int = 2
    recommend_min_support: int = 2
    recommend_after_orders: int = 20
    quiet_hours: bool = True
    campaign_rate: int = 10
    # (key, width, height) of the logo's stored file, or None.
    logo: tuple | None = None
    brand_colour: str = ""
    about_md: dict = field(default_factory=dict)
    social_links: dict = field(default_factory=dict)
    cause_name: dict = field(default_factory=dict)
    cause_url: str = ""
    cause_bp: int = 0
    cause_fixed: int = 0

    def methods_for(self, region=None):
        region = region or self.default_region
        return [m for m in self.shipping_methods if m.region == region]

    @property
    def regions(self):
        return sorted({m.region for m in self.shipping_methods})

    @property
    def only_country(self):
        """The one country the shop delivers to, or "" when it names none or several: with one,
        an order's country is known before the customer types anything."""
        return self.ship_countries[0] if len(self.ship_countries) == 1 else ""

    @property
    def zone(self):
        return zone(self.timezone)

    @property
    def tax_rate_percent(self):
        from .pricing import format_rate
        return format_rate(self.tax_rate_bp)

    def carrier_url(self, carrier, tracking_number):
        """The carrier's tracking page for a number, from the merchant's URL template."""
        from urllib.parse import quote
        for name, template in self.carriers:
            if name == carrier and template:
                return template.replace("{number}", quote(tracking_number, safe=""))
        return None

    def category(self, slug):
        return next((c for c in self.categories if c.slug == slug), None)


def zone(name):
    """The time zone a setting names; UTC for an empty or unknown name."""
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def get_settings_row():
    """The settings row, created with defaults on first use."""
    row = db.session.get(ShopSettings, 1)
    if row is None:
        row = ShopSettings(id=1)
        db.session.add(row)
        db.session.flush()
    return row


def load():
    """Read a fresh snapshot from the database."""
    row = db.session.get(ShopSettings, 1) or ShopSettings(
        id=1, name="My Shop", tagline="", email="", phone="", hours="", address="",
        currency="USD", tax_rate_bp=0, prices_include_tax=False, free_shipping_threshold=None,
        default_region="Domestic", timezone="UTC", low_stock_threshold=5, updated_at=None,
        undo_minutes=30, bank_account="", bank_transfer_days=3, card_payment_minutes=30,
        thank_you_note="", carriers=[],
        main_language=LANGUAGES[0], ship_countries=[], test_payments=True, business_name="",
        business_representative="", business_registration_number="", mail_order_number="",
        hosting_provider="", alerts_off=[], reply_target_minutes=120,
        reply_target_closed_minutes=60, reopen_days=14, persona={}, help_offer_minutes=5,
        reminder_hours=10, reminder_on=True)
    methods = db.session.scalars(
        db.select(ShippingMethod).where(ShippingMethod.active.is_(True))
        .order_by(ShippingMethod.position, ShippingMethod.price, ShippingMethod.id)).all()
    categories = db.session.scalars(db.select(Category).order_by(Category.position, Category.name)).all()
    return ShopConfig(
        name=row.name, tagline=row.tagline, email=row.email, phone=row.phone,
        address=row.address, currency=row.currency, tax_rate_bp=row.tax_rate_bp,
        prices_include_tax=row.prices_include_tax,
        free_shipping_threshold=row.free_shipping_threshold, default_region=row.default_region,
        timezone=row.timezone, low_stock_threshold=row.low_stock_threshold,
        updated_at=row.updated_at, undo_minutes=row.undo_minutes,
        bank_account=row.bank_account, bank_transfer_days=row.bank_transfer_days,
        card_payment_minutes=row.card_payment_minutes,
        thank_you_note=row.thank_you_note,
        carriers=tuple((c.get("name", ""), c.get("url", "")) for c in (row.carriers or [])),
        ship_countries=tuple(row.ship_countries or ()),
        shipping_methods=tuple(Shipping(m.id, m.name, m.region, m.price, m.days_min, m.days_max)
                               for m in methods),
        main_language=row.main_language or LANGUAGES[0],
        alerts_off=tuple(row.alerts_off or ()),
        categories=tuple(CategoryInfo(c.id, c.slug, c.name, c.description, c.translations or {})
                         for c in categories),
        return_rules=tuple(
            SimpleNamespace(**{column.name: getattr(rule, column.name)
                               for column in ReturnRule.__table__.columns})
            for rule in db.session.scalars(db.select(ReturnRule))),
        return_rules_confirmed=db.session.scalar(
            db.select(ReturnPolicy.confirmed_at).where(ReturnPolicy.id == 1)) is not None,
        test_mode=bool(has_app_context() and current_app.config.get("PAYMENTS_TEST_MODE")),
        business=BusinessInfo(
            name=row.business_name, representative=row.business_representative,
            registration_number=row.business_registration_number,
            mail_order_number=row.mail_order_number, hosting_provider=row.hosting_provider),
        schedule=hours.schedule(
            row.timezone,
            db.session.execute(db.select(BusinessHours.weekday, BusinessHours.opens_minute,
                                         BusinessHours.closes_minute)).all(),
            db.session.execute(db.select(Holiday.day, Holiday.label)).all(),
            target_minutes=row.reply_target_minutes or 0,
            closed_target_minutes=row.reply_target_closed_minutes or 0),
        reopen_days=row.reopen_days,
        persona=dict(row.persona or {}),
        help_offer_minutes=row.help_offer_minutes, reminder_hours=row.reminder_hours,
        reminder_on=bool(row.reminder_on),
        **_engagement(row),
    )


def _engagement(row):
    """The newer settings; a row not yet saved (no settings at all) has None for them."""
    def value(name, default):
        found = getattr(row, name, None)
        return default if found is None else found
    return dict(
        handling_days=value("handling_days", 2),
        recommend_min_support=value("recommend_min_support", 2),
        recommend_after_orders=value("recommend_after_orders", 20),
        quiet_hours=bool(value("quiet_hours", True)),
        campaign_rate=value("campaign_rate", 10),
        logo=(row.logo_key, row.logo_width, row.logo_height) if row.logo_key else None,
        brand_colour=value("brand_colour", ""),
        about_md=dict(value("about_md", {})), social_links=dict(value("social_links", {})),
        cause_name=dict(value("cause_name", {})), cause_url=value("cause_url", ""),
        cause_bp=value("cause_bp", 0), cause_fixed=value("cause_fixed", 0))


def current():
    """The cached snapshot, reloaded when the storefront version moved since it was read."""
    version = storefront_version.current()
    app = current_app._get_current_object()
    entry = app.extensions.get(_SNAPSHOT)
    if entry and entry[0] == version:
        return entry[1]
    with _lock:
        config = load()
        app.extensions[_SNAPSHOT] = (version, config)
        return config


def changed():
    """Mark the snapshot stale for every process, after a change committed outside the ORM
    session (sessions move the version by themselves, see watch_changes)."""
    storefront_version.changed()
    current_app.extensions.pop(_SNAPSHOT, None)


# What a storefront page shows: a commit that changes any of these makes cached pages stale.
# (A "Did this help?" vote adds to FaqEntry's counts with a table-level UPDATE that is not
# noted here: the counts are only shown in the back office, and a vote must not empty the
# cache of every page. A review, its photos, a change note and a testimonial are shown on the
# storefront: publishing, hiding or replying empties the cache. A coupon decides whether the
# cart and checkout show the code field: coupons.any_active is kept per version.)
STOREFRONT_MODELS = (Product, Variant, ProductImage, Category, ShopSettings, ShippingMethod,
                     ReturnRule, ReturnPolicy, PolicyPage, FaqCategory, FaqEntry, BusinessHours,
                     Holiday, Review, ReviewPhoto, ChangeNote, Testimonial, Coupon,
                     ProductPair, ProductComplement)
_FLAG = "storefront_changed"


def _note_flush(session, flush_context):
    if any(isinstance(obj, STOREFRONT_MODELS)
           for obj in chain(session.new, session.dirty, session.deleted)):
        session.info[_FLAG] = True


def _note_bulk(state):
    # INSERT/UPDATE/DELETE statements (a stock decrement, a code the worker issues) never pass
    # through session.dirty.
    mapper = state.bind_mapper
    if (state.is_insert or state.is_update or state.is_delete) and mapper is not None \
            and issubclass(mapper.class_, STOREFRONT_MODELS):
        state.session.info[_FLAG] = True


def _bump_before_commit(session):
    # The last flush happens inside commit(), after this hook: flush here so its changes are
    # noted, then move a database-held version inside the transaction being committed.
    if not has_app_context():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    version = storefront_version.source()
    if session.info.get(_FLAG) and version.in_transaction:
        version.bump_in(session)


def _bump_after_commit(session):
    storefront_version.forget(session)
    if session.info.pop(_FLAG, False) and has_app_context():
        version = storefront_version.source()
        if not version.in_transaction:
            version.bump()
        current_app.extensions.pop(_SNAPSHOT, None)


def _forget_after_rollback(session):
    session.info.pop(_FLAG, None)
    storefront_version.forget(session)


def watch_changes():
    """Listen to every session once per process; idempotent."""
    if event.contains(Session, "after_commit", _bump_after_commit):
        return
    event.listen(Session, "after_flush", _note_flush)
    event.listen(Session, "do_orm_execute", _note_bulk)
    event.listen(Session, "before_commit", _bump_before_commit)
    event.listen(Session, "after_commit", _bump_after_commit)
    event.listen(Session, "after_rollback", _forget_after_rollback)
