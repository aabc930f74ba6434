"""The catalogue and the merchant's settings. Money columns hold integer minor units."""
from sqlalchemy import CheckConstraint, Index, false, true

from ..extensions import db
from .base import UTCDateTime, utcnow


class ShopSettings(db.Model):
    """One row (id=1) of merchant settings; read through domain.shopconfig, which caches it."""

    __tablename__ = "shop_settings"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False, default="My Shop")
    tagline = db.Column(db.String(200), nullable=False, default="")
    email = db.Column(db.String(200), nullable=False, default="")
    phone = db.Column(db.String(50), nullable=False, default="")
    hours = db.Column(db.String(200), nullable=False, default="")
    address = db.Column(db.String(300), nullable=False, default="")
    currency = db.Column(db.String(3), nullable=False, default="USD")
    # Basis points: 1000 = 10 %.
    tax_rate_bp = db.Column(db.Integer, nullable=False, default=0)
    prices_include_tax = db.Column(db.Boolean, nullable=False, default=False)
    # Null means no free-shipping offer.
    free_shipping_threshold = db.Column(db.Integer, nullable=True)
    default_region = db.Column(db.String(60), nullable=False, default="Domestic")
    timezone = db.Column(db.String(60), nullable=False, default="UTC")
    low_stock_threshold = db.Column(db.Integer, nullable=False, default=5)
    # Checkout: minutes a customer may cancel or change an order after placing it.
    undo_minutes = db.Column(db.Integer, nullable=False, default=30, server_default="30")
    # Bank transfers: where to pay, and the days before an unpaid order expires.
    bank_account = db.Column(db.String(300), nullable=False, default="", server_default="")
    bank_transfer_days = db.Column(db.Integer, nullable=False, default=3, server_default="3")
    # Card payments on a provider's page: minutes an order waits for one before it expires.
    card_payment_minutes = db.Column(db.Integer, nullable=False, default=30, server_default="30")
    # A personal thank-you from the merchant, in every order confirmation.
    thank_you_note = db.Column(db.Text, nullable=False, default="", server_default="")
    # Carriers and their tracking links: [{"name": "CJ Logistics", "url": "https://…{number}"}].
    carriers = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    # The language the catalogue is written in first; texts in the shop's other languages are
    # optional translations (see domain.localized).
    main_language = db.Column(db.String(5), nullable=False, default="en", server_default="en")
    # The countries the shop delivers to, as customers should read them: ["South Korea"]. With
    # exactly one, checkout fills every order's country with it instead of asking.
    ship_countries = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    # No longer read: test mode is the process's PAYMENTS_TEST_MODE (domain.shopconfig), so a live
    # shop cannot be switched into offering the test card from the back office.
    test_payments = db.Column(db.Boolean, nullable=False, default=True, server_default=true())
    # What a Korean mail-order business shows on every page (domain/business.py); the address,
    # phone and email are the contact details above.
    business_name = db.Column(db.String(120), nullable=False, default="", server_default="")
    business_representative = db.Column(db.String(120), nullable=False, default="",
                                        server_default="")
    # Ten digits, no dashes.
    business_registration_number = db.Column(db.String(10), nullable=False, default="",
                                             server_default="")
    mail_order_number = db.Column(db.String(60), nullable=False, default="", server_default="")
    hosting_provider = db.Column(db.String(120), nullable=False, default="", server_default="")
    # The merchant alerts switched off, by name (domain.alerts.SWITCHES); every other one is on.
    alerts_off = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    # The help desk's promise (domain/helpdesk/hours.py): a question asked while the shop is
    # open is answered within reply_target_minutes of opening hours; one asked while it is
    # closed within reply_target_closed_minutes of the next opening.
    reply_target_minutes = db.Column(db.Integer, nullable=False, default=120, server_default="120")
    reply_target_closed_minutes = db.Column(db.Integer, nullable=False, default=60,
                                            server_default="60")
    # A customer writing again within this many days of a resolved conversation reopens it;
    # later, a new conversation starts, linked to the old one.
    reopen_days = db.Column(db.Integer, nullable=False, default=14, server_default="14")
    # The name and short greeting the shop answers with, per language:
    # {"en": {"name": "Mina", "greeting": "..."}, "ko": {...}}.
    persona = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    # Stalled checkouts (domain/checkouts.py): minutes on the checkout page before help is
    # offered; hours after leaving before the one reminder email, and whether it is sent.
    help_offer_minutes = db.Column(db.Integer, nullable=False, default=5, server_default="5")
    reminder_hours = db.Column(db.Integer, nullable=False, default=10, server_default="10")
    reminder_on = db.Column(db.Boolean, nullable=False, default=True, server_default=true())
    # Reviews (domain/reviews): the request is emailed review_request_days after delivery and
    # reminded once review_reminder_days after that (0: no reminder); a review is shown at once
    # when review_auto_publish is on, after the merchant publishes it otherwise. The thank-you
    # for any review, whatever its rating: "" (none), "credit" (store credit of
    # review_incentive_amount, in minor units) or "code" (a single-use code, once the shop has
    # coupons).
    review_request_days = db.Column(db.Integer, nullable=False, default=7, server_default="7")
    review_reminder_days = db.Column(db.Integer, nullable=False, default=7, server_default="7")
    review_auto_publish = db.Column(db.Boolean, nullable=False, default=False,
                                    server_default=false())
    review_incentive = db.Column(db.String(10), nullable=False, default="", server_default="")
    review_incentive_amount = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Orders should ship within this many working days (Monday to Friday, in the shop's zone)
    # of payment: each order's ship_by (domain/shipby.py); the scorecard counts the late ones.
    handling_days = db.Column(db.Integer, nullable=False, default=2, server_default="2")
    # "Goes well with" (domain/recommend/): a pair counts once bought together in this many
    # delivered, not-returned orders; pairs are computed again nightly and after this many
    # newly delivered orders.
    recommend_min_support = db.Column(db.Integer, nullable=False, default=2, server_default="2")
    recommend_after_orders = db.Column(db.Integer, nullable=False, default=20,
                                       server_default="20")
    # Newsletter (domain/newsletter/): no marketing email between 21:00 and 08:00 shop time
    # while quiet_hours is on; campaigns are queued at most campaign_rate emails a second.
    quiet_hours = db.Column(db.Boolean, nullable=False, default=True, server_default=true())
    campaign_rate = db.Column(db.Integer, nullable=False, default=10, server_default="10")
    # Brand (domain/brand.py): the logo (a stored file's key, with its size), the accent
    # colour ("#rrggbb", checked for contrast when saved; "" keeps the default), the About
    # page in Markdown per language ({"en": "...", "ko": "..."}) and social profiles
    # ({"instagram": "https://...", ...}).
    logo_key = db.Column(db.String(64), nullable=True)
    logo_width = db.Column(db.Integer, nullable=True)
    logo_height = db.Column(db.Integer, nullable=True)
    brand_colour = db.Column(db.String(7), nullable=False, default="", server_default="")
    about_md = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    social_links = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    # A social cause (domain/cause.py): its name per language, its link, and the share of
    # each delivered order given: basis points of the goods' price, or a fixed amount.
    cause_name = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    cause_url = db.Column(db.String(500), nullable=False, default="", server_default="")
    cause_bp = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    cause_fixed = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("tax_rate_bp >= 0 AND tax_rate_bp <= 10000", name="tax_rate_range"),
        CheckConstraint("cause_bp >= 0 AND cause_bp <= 10000 AND cause_fixed >= 0",
                        name="cause_share_range"),
        CheckConstraint("handling_days >= 0 AND campaign_rate >= 1 "
                        "AND recommend_min_support >= 1", name="engagement_ranges"),
    )


class ShippingMethod(db.Model):
    __tablename__ = "shipping_method"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    region = db.Column(db.String(60), nullable=False, default="Domestic")
    price = db.Column(db.Integer, nullable=False, default=0)
    days_min = db.Column(db.Integer, nullable=False, default=1)
    days_max = db.Column(db.Integer, nullable=False, default=3)
    active = db.Column(db.Boolean, nullable=False, default=True)
    position = db.Column(db.Integer, nullable=False, default=0)

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("days_min >= 0 AND days_max >= days_min", name="days_order"),
    )


class Category(db.Model):
    __tablename__ = "category"
    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(120), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    position = db.Column(db.Integer, nullable=False, default=0)
    # {"ko": {"name": …, "description": …}}: see domain.localized.
    translations = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")


PRODUCT_STATUSES = ("active", "draft", "archived")


class Product(db.Model):
    """A product and, denormalised for listings, its price range, stock and cover image.

    Listing pages read only this table; domain.catalog.refresh_summary() keeps the summary
    columns in step with the variants and images whenever those change.
    """

    __tablename__ = "product"
    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(160), nullable=False, unique=True)
    title = db.Column(db.String(200), nullable=False)
    summary = db.Column(db.String(300), nullable=False, default="")
    description_md = db.Column(db.Text, nullable=False, default="")
    # Rendered and sanitised when saved, so a page view never runs Markdown.
    description_html = db.Column(db.Text, nullable=False, default="")
    # Plain text of the description, for search.
    description_text = db.Column(db.Text, nullable=False, default="")
    specs = db.Column(db.JSON, nullable=False, default=list)
    vendor = db.Column(db.String(120), nullable=False, default="")
    product_type = db.Column(db.String(120), nullable=False, default="")
    tags = db.Column(db.String(500), nullable=False, default="")
    option1_name = db.Column(db.String(60), nullable=False, default="")
    option2_name = db.Column(db.String(60), nullable=False, default="")
    category_id = db.Column(db.Integer, db.ForeignKey("category.id", ondelete="SET NULL"), nullable=True)
    status = db.Column(db.String(10), nullable=False, default="active")
    featured = db.Column(db.Boolean, nullable=False, default=False)
    featured_position = db.Column(db.Integer, nullable=False, default=0)
    # Units sold; raised when orders are placed. Drives "best sellers".
    sales_count = db.Column(db.Integer, nullable=False, default=0)
    price_min = db.Column(db.Integer, nullable=False, default=0)
    price_max = db.Column(db.Integer, nullable=False, default=0)
    compare_at_min = db.Column(db.Integer, nullable=True)
    stock_total = db.Column(db.Integer, nullable=False, default=0)
    cover_key = db.Column(db.String(64), nullable=True)
    cover_alt = db.Column(db.String(200), nullable=False, default="")
    cover_width = db.Column(db.Integer, nullable=True)
    cover_height = db.Column(db.Integer, nullable=True)
    # Published reviews (domain/reviews/ratings.py recounts them on every change): how many, the
    # sum of their stars, and how many gave 1, 2, 3, 4 and 5 stars ([n1, n2, n3, n4, n5]).
    review_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    rating_sum = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    rating_counts = db.Column(db.JSON, nullable=False, default=lambda: [0, 0, 0, 0, 0],
                              server_default="[0, 0, 0, 0, 0]")
    # Early access (domain/loyalty/tiers.py): until then only customers of a tier with the
    # early-access perk may buy it; everyone may from then on. None: no early access.
    early_access_until = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # The columns above hold the shop's main language; the others are here, e.g.
    # {"ko": {"title": …, "summary": …, "description_md": …, "description_html": …, …}}.
    translations = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    # Every language's titles, and every language's texts and option values, for search
    # (domain.localized.refresh_search keeps them in step).
    search_title = db.Column(db.Text, nullable=False, default="", server_default="")
    search_body = db.Column(db.Text, nullable=False, default="", server_default="")
    # Their words, and Korean syllables and syllable pairs, for words of one or two characters.
    search_grams = db.Column(db.Text, nullable=False, default="", server_default="")
    # Their distinct words, case-folded (domain.localized.words): what PostgreSQL searches, through
    # a trigram index of this column (migration 0021).
    search_words = db.Column(db.Text, nullable=False, default="", server_default="")

    category = db.relationship("Category", lazy="joined", innerjoin=False)
    variants = db.relationship(
        "Variant", back_populates="product", order_by="Variant.position, Variant.id",
        cascade="all, delete-orphan", lazy="select",
    )
    images = db.relationship(
        "ProductImage", back_populates="product", order_by="ProductImage.position, ProductImage.id",
        cascade="all, delete-orphan", lazy="select",
    )

    __table_args__ = (
        CheckConstraint("status IN ('active', 'draft', 'archived')", name="status_known"),
        Index("ix_product_listing", "status", "category_id", "created_at"),
        Index("ix_product_price", "status", "price_min"),
        Index("ix_product_featured", "status", "featured", "featured_position"),
        # Best sellers on the home page, and a category page in each of its sort orders,
        # read straight off an index instead of sorting every product of the shop.
        Index("ix_product_best_sellers", "status", "sales_count"),
        Index("ix_product_category_featured", "category_id", "status", featured.desc(),
              "featured_position", sales_count.desc(), created_at.desc(), id.desc()),
        Index("ix_product_category_price", "category_id", "status", "price_min"),
        # The back office's product list, last changed first.
        Index("ix_product_updated", "updated_at", "id"),
    )

    @property
    def tag_list(self):
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def rating_average(self):
        """The published reviews' average stars to one decimal (4.3), None without reviews."""
        if not self.review_count:
            return None
        return round(self.rating_sum / self.review_count + 1e-9, 1)


class Variant(db.Model):
    """A buyable version of a product, with its price and stock. Its SKU is the merchant's label:
    stores reuse one SKU across sizes or products, so it is indexed, not unique (a variant is
    found by its id, or by its product and option values)."""

    __tablename__ = "variant"
    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="CASCADE"), nullable=False)
    sku = db.Column(db.String(64), nullable=False)
    option1 = db.Column(db.String(60), nullable=False, default="")
    option2 = db.Column(db.String(60), nullable=False, default="")
    price = db.Column(db.Integer, nullable=False)
    compare_at_price = db.Column(db.Integer, nullable=True)
    stock = db.Column(db.Integer, nullable=False, default=0)
    position = db.Column(db.Integer, nullable=False, default=0)
    # {"ko": {"option1": …, "option2": …}}: the option values in the shop's other languages.
    translations = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")

    product = db.relationship("Product", back_populates="variants")

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        Index("ix_variant_product", "product_id", "position"),
        Index("ix_variant_sku", "sku"),
    )

    @property
    def title(self):
        """'Large / Blue', or '' for a product without options."""
        return " / ".join(o for o in (self.option1, self.option2) if o)


class ProductImage(db.Model):
    """An uploaded photo; its copies are products/<key>-<width>.webp in the product photo store
    (domain/storage: instance/uploads, or the bucket)."""

    __tablename__ = "product_image"
    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="CASCADE"), nullable=False)
    key = db.Column(db.String(64), nullable=False)
    alt = db.Column(db.String(200), nullable=False, default="")
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)

    product = db.relationship("Product", back_populates="images")

    __table_args__ = (Index("ix_product_image_product", "product_id", "position"),)
