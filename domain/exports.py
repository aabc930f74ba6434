"""The merchant's data as CSV rows, read in batches so a big shop streams in constant memory.

The product export is Shopify's product CSV (the columns the importer reads), so it opens in
Shopify and imports back into this shop unchanged: export, import into an empty shop, export
again gives the same file. Texts in the shop's other languages, summaries, specifications and
"featured" have no column there and do not travel. "Collection" carries the category, apart
from the product type. The files' cells are escaped against formula injection by
domain.csvcells, which the importer undoes.

Orders and customers are for the merchant's spreadsheet: one row per order line, and one per
account or guest email with its orders. They hold customers' personal data; only merchants can
download them, and the responses are not stored by browsers or proxies.
"""
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from .extensions import db
from .images import file_name
from .models import Order, Product, User
from .money import to_plain

BATCH = 200
PRODUCT_COLUMNS = (
    "Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published", "Option1 Name",
    "Option1 Value", "Option2 Name", "Option2 Value", "Variant SKU", "Variant Inventory Qty",
    "Variant Price", "Variant Compare At Price", "Image Src", "Image Position", "Image Alt Text",
    "Status", "Collection",
)
# Orders that never became a sale are listed but not counted as a customer's orders.
NOT_SALES = ("cancelled", "payment_expired")


def _batches(query, key):
    """The rows of query in batches of BATCH, by increasing key (keyset pagination)."""
    last = 0
    while True:
        rows = db.session.scalars(query.where(key > last).order_by(key).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = getattr(rows[-1], key.key)


def product_rows(currency, photos_address):
    """Shopify's layout: a product's first row carries the product and its first variant; the
    next rows carry its other variants and photos. photos_address: where photo files are served
    (https://shop.example/media/products/)."""
    query = db.select(Product).options(selectinload(Product.variants),
                                       selectinload(Product.images))
    for batch in _batches(query, Product.id):
        for product in batch:
            yield from _product_rows(product, currency, photos_address)


def _product_rows(product, currency, photos_address):
    variants, photos = product.variants, product.images
    no_options = not product.option1_name
    for n in range(max(len(variants), len(photos), 1)):
        row = dict.fromkeys(PRODUCT_COLUMNS, "")
        row["Handle"] = product.slug
        if n == 0:
            row.update({
                # Spaces around the HTML mean nothing; the importer trims every cell.
                "Title": product.title, "Body (HTML)": product.description_html.strip(),
                "Vendor": product.vendor, "Type": product.product_type, "Tags": product.tags,
                "Published": "TRUE" if product.status == "active" else "FALSE",
                # Shopify's name for the one option of a product without options.
                "Option1 Name": product.option1_name or "Title",
                "Option2 Name": product.option2_name, "Status": product.status,
                "Collection": product.category.name if product.category else "",
            })
        if n < len(variants):
            v = variants[n]
            row.update({
                "Option1 Value": v.option1 or ("Default Title" if no_options else ""),
                "Option2 Value": v.option2, "Variant SKU": v.sku,
                "Variant Inventory Qty": v.stock, "Variant Price": to_plain(v.price, currency),
                "Variant Compare At Price": to_plain(v.compare_at_price, currency),
            })
        if n < len(photos):
            photo = photos[n]
            row.update({"Image Src": photos_address + file_name(photo.key, photo.width),
                        "Image Position": n + 1, "Image Alt Text": photo.alt})
        yield [row[c] for c in PRODUCT_COLUMNS]


def order_header():
    return (_("Order"), _("Placed at"), _("Status"), _("Email"), _("Name"), _("Phone"),
            _("Address"), _("Address line 2"), _("City"), _("Postcode"), _("Region"),
            _("Country"), _("Shipping method"), _("Payment method"), _("Currency"),
            _("Subtotal"), _("Discount"), _("Shipping"), _("Tax"), _("Prices include tax"),
            _("Fees"), _("Store credit"), _("Total"), _("Carrier"), _("Tracking number"),
            _("Item"), _("Variant"), _("SKU"), _("Quantity"), _("Unit price"), _("Line total"))


def order_rows(timezone):
    """One row per order line, oldest order first. The order's amounts are on its first row
    only, so a column adds up to the shop's takings; who and what are on every row."""
    zone = ZoneInfo(timezone or "UTC")
    for batch in _batches(db.select(Order).options(selectinload(Order.lines)), Order.id):
        for order in batch:
            money = lambda amount: to_plain(amount, order.currency)  # noqa: E731
            who = [order.number, order.placed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                   order.status, order.email]
            amounts = [order.ship_name, order.ship_phone, order.ship_line1, order.ship_line2,
                       order.ship_city, order.ship_postcode, order.ship_region, order.ship_country,
                       order.shipping_method_name, order.payment_method, order.currency,
                       money(order.subtotal), money(order.discount), money(order.shipping),
                       money(order.tax), "TRUE" if order.tax_included else "FALSE",
                       money(order.fees), money(order.credit_applied), money(order.total),
                       order.carrier, order.tracking_number]
            for n, line in enumerate(order.lines):
                yield who + (amounts if n == 0 else [""] * len(amounts)) + [
                    line.title, line.variant_title, line.sku, line.quantity,
                    money(line.unit_price), money(line.total)]


def customer_header():
    return (_("Email"), _("Name"), _("Customer type"), _("Signed up"), _("Language"),
            _("Store credit"), _("Orders"), _("First order"), _("Last order"))


def customer_rows(timezone, currency):
    """Every customer account, then every email that ordered as a guest only, with how many
    orders they placed (cancelled and expired ones not counted) and when."""
    zone = ZoneInfo(timezone or "UTC")

    def day(moment):
        return moment.astimezone(zone).strftime("%Y-%m-%d") if moment else ""

    sale = Order.status.notin_(NOT_SALES)
    theirs = db.or_(Order.user_id == User.id,
                    db.and_(Order.user_id.is_(None),
                            db.func.lower(Order.email) == db.func.lower(User.email)))
    accounts = (db.select(User, db.func.count(Order.id), db.func.min(Order.placed_at),
                          db.func.max(Order.placed_at))
                .outerjoin(Order, db.and_(theirs, sale))
                .where(User.is_merchant.is_(False)).group_by(User.id))
    last = 0
    while True:
        rows = db.session.execute(accounts.where(User.id > last).order_by(User.id)
                                  .limit(BATCH)).all()
        if not rows:
            break
        for user, count, first, latest in rows:
            yield [user.email, user.name, _("account"), day(user.created_at), user.locale or "",
                   to_plain(user.credit_balance, currency), count, day(first), day(latest)]
        last = rows[-1][0].id
    yield from _guest_rows(day)


def _guest_rows(day):
    email = db.func.lower(Order.email)
    sale = Order.status.notin_(NOT_SALES)
    has_account = db.select(User.id).where(db.func.lower(User.email) == email).exists()
    guests = (db.select(email, db.func.sum(db.case((sale, 1), else_=0)),
                        db.func.min(db.case((sale, Order.placed_at))),
                        db.func.max(db.case((sale, Order.placed_at))))
              .where(Order.user_id.is_(None), ~has_account).group_by(email))
    after = ""
    while True:
        rows = db.session.execute(guests.having(email > after).order_by(email).limit(BATCH)).all()
        if not rows:
            return
        # The name on each guest's latest order (the query is oldest first, the last one stays).
        names = dict(db.session.execute(
            db.select(email, Order.ship_name)
            .where(email.in_([r[0] for r in rows]), Order.user_id.is_(None))
            .order_by(Order.placed_at, Order.id)).all())
        for address, count, first, latest in rows:
            yield [address, names.get(address, ""), _("guest"), "", "", "", count or 0,
                   day(first), day(latest)]
        after = rows[-1][0]
