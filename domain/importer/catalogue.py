"""Writing the products of a Shopify product export, one product at a time.

Shopify writes one product over several rows sharing a Handle: the first row carries the
product and its first variant; later rows add variants and/or images. The handle becomes the
slug, so importing the same file again updates those products instead of adding copies; a
variant is matched by its option values (then by its SKU, if no other variant of the product
has it), since a SKU may repeat.

Descriptions: Shopify holds HTML. It is sanitised (domain.text.sanitize_html) and stored as
description_html, shown as it was; description_text is its plain text, for search; and
description_md gets the same content as Markdown (html_to_markdown), because the back office
edits Markdown and escapes raw HTML: stored there, the HTML would turn into visible tags.
"""
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from .. import images, products
from ..errors import ShopError
from ..extensions import db
from ..models import PRODUCT_STATUSES, Product, ProductImage, Variant
from ..text import plain_text, sanitize_html
from .markdown import dropped_embeds_message, html_to_markdown
from .photos import FETCH_ERRORS, read_image, reason, stored_photo
from .rows import Problem, Report, listed, parse_price, parse_quantity, repeated_skus


@dataclass
class Outcome:
    """What became of one product: "created", "updated" or "skipped", and its report lines."""
    result: str
    problems: list


def import_products(groups, columns, currency, upload_dir, base_dir=None, after_each=None,
                    fetch=None, own_media=None, repeated=None):
    """Import each product in its own savepoint: a product with any bad row is not written
    at all, the others are. after_each (e.g. a commit) runs after every product, which keeps
    write transactions short while the shop is serving. repeated: the file's repeated SKUs,
    given when groups can be gone through only once (a progress bar)."""
    report = Report()
    repeated = repeated_skus(groups) if repeated is None else repeated
    for group in groups:
        outcome = import_product(group, columns, currency, upload_dir, base_dir=base_dir,
                                 fetch=fetch, repeated=repeated, own_media=own_media)
        report.problems.extend(outcome.problems)
        setattr(report, outcome.result, getattr(report, outcome.result) + 1)
        if after_each:
            after_each()
    return report


def import_product(group, columns, currency, upload_dir, base_dir=None, fetch=None,
                   repeated=frozenset(), own_media=None, on_image=None, before_write=None):
    """Create or update one product (inside a savepoint) and say how it went. repeated: the
    SKUs the file itself repeats (already reported); on_image() runs after each photo fetched
    (the import job renews its lease there); before_write() runs once the product is ready, the
    photos fetched, and before anything is written (the import job takes its step there, so the
    step and the product share one write transaction that waits on no download)."""
    plan, problems = _plan(group, columns, currency, repeated)
    if any(not p.warning for p in problems):
        if before_write:
            before_write()
        return Outcome("skipped", problems)
    photos = _store_images(plan["images"], group.handle, upload_dir, base_dir,
                           fetch or read_image, problems, own_media, on_image)
    if before_write:
        before_write()
    try:
        with db.session.begin_nested():
            created = _write(plan, photos)
    except (ShopError, SQLAlchemyError) as error:
        problems.append(Problem(group.rows[0][0], _("%(handle)s not imported: %(error)s",
                                                    handle=group.handle, error=error),
                                handle=group.handle))
        return Outcome("skipped", problems)
    return Outcome("created" if created else "updated", problems)


def _plan(group, columns, currency, repeated):
    """What to write for one product, and the problems of its rows."""
    problems = []
    first_line, first = group.rows[0]

    def error(line, message):
        problems.append(Problem(line, message, handle=group.handle))

    def warn(line, message):
        problems.append(Problem(line, message, warning=True, handle=group.handle))

    title = first.get("Title", "")
    if not title:
        error(first_line, _("no Title; the first row of %(handle)s needs one", handle=group.handle))
    elif len(title) > 200:
        error(first_line, _("the Title is longer than 200 characters"))
    names = [first.get(f"Option{n} Name", "") for n in (1, 2)]
    default_option = names[0].lower() == "title"
    fields = {"title": title, "option1_name": "" if default_option else names[0][:60],
              "option2_name": names[1][:60]}
    if "Vendor" in columns:
        fields["vendor"] = first["Vendor"][:120]
    kind = first.get("Type") or first.get("Product Category", "").split(">")[-1].strip()
    if "Type" in columns or "Product Category" in columns:
        fields["product_type"] = kind[:120]
    if "Tags" in columns:
        tags = products.normalize_tags(first["Tags"])
        fields["tags"] = tags if len(tags) <= 500 else tags[:500].rsplit(",", 1)[0]
    status = first.get("Status", "").lower()
    if status and status not in PRODUCT_STATUSES:
        error(first_line, _("Status %(status)s is not one of %(statuses)s", status=repr(status),
                            statuses=", ".join(PRODUCT_STATUSES)))
    elif status:
        fields["status"] = status
    elif first.get("Published"):
        fields["status"] = "draft" if first["Published"].lower() in ("false", "no", "0") else "active"
    variants, image_refs, option3 = [], [], []
    for line, row in group.rows:
        if group.is_variant_row(line, row):
            variant = _variant(group, line, row, columns, currency, default_option, len(variants),
                               error)
            if variant:
                variants.append((line, variant))
            if row.get("Option3 Value"):
                option3.append(row["Option3 Value"])
        if row.get("Image Src"):
            image_refs.append((line, row["Image Src"], row.get("Image Alt Text", "")))
    if option3:
        warn(first_line, _("a third option (%(name)s) is not supported; its values were left out: "
                           "%(values)s", name=first.get("Option3 Name") or "Option3",
                           values=listed(list(dict.fromkeys(option3)))))
    slug = products.slugify(group.handle)
    # SKUs the file repeats were reported once for the whole file.
    skus = {v["sku"] for _line, v in variants} - set(repeated)
    elsewhere = dict(db.session.execute(
        db.select(Variant.sku, Product.title).join(Product)
        .where(Variant.sku.in_(skus), Product.slug != slug)).all()) if skus else {}
    for line, variant in variants:
        if variant["sku"] in elsewhere:
            warn(line, _("SKU %(sku)s is also used by “%(title)s”; both keep it",
                         sku=variant["sku"], title=elsewhere.pop(variant["sku"])))
    plan = {"slug": slug, "fields": fields, "variants": [v for _line, v in variants],
            "category": kind, "images": image_refs}
    if "Collection" in columns:
        # The shop's own export names the category here, apart from the product type.
        plan["category"] = first["Collection"]
        plan["category_given"] = True
    if "Body (HTML)" in columns:
        plan["body"] = sanitize_html(_keep_blocks(first["Body (HTML)"]))
        dropped = dropped_embeds_message(first["Body (HTML)"])
        if dropped:
            warn(first_line, dropped)
    return plan, problems


def _variant(group, line, row, columns, currency, default_option, position, error):
    values = [row.get("Option1 Value", ""), row.get("Option2 Value", "")]
    if default_option and values[0].lower() == "default title":
        values[0] = ""
    if any(len(v) > 60 for v in values):
        error(line, _("an option value is longer than 60 characters"))
        return None
    sku = row.get("Variant SKU") or f"{group.handle[:58].upper()}-{position + 1}"
    if len(sku) > 64:
        error(line, _("SKU %(sku)s... is longer than 64 characters", sku=sku[:20]))
        return None
    variant = {"sku": sku, "option1": values[0], "option2": values[1], "position": position}
    try:
        if not row.get("Variant Price"):
            raise ValueError(_("no Variant Price"))
        variant["price"] = parse_price(row["Variant Price"], currency)
        if "Variant Compare At Price" in columns:
            compare = row["Variant Compare At Price"]
            # Shopify writes 0 or nothing when there is no compare-at price.
            variant["compare_at_price"] = (parse_price(compare, currency) if compare else 0) or None
        # Without the column (newer exports keep stock in the inventory file) stock is left as
        # it is.
        if "Variant Inventory Qty" in columns:
            variant["stock"] = parse_quantity(row["Variant Inventory Qty"])
    except ValueError as problem:
        error(line, str(problem))
        return None
    return variant


def option_key(option1, option2):
    """How the importers tell a product's variants apart: their option values, as written."""
    return (option1 or "").strip().casefold(), (option2 or "").strip().casefold()


def match_variants(existing, planned):
    """[existing variant or None] for each planned variant (dicts with option1, option2, sku):
    first by option values, then, for those left, by a SKU no other variant left has."""
    matches, used = [None] * len(planned), set()
    by_options = {}
    for variant in existing:
        by_options.setdefault(option_key(variant.option1, variant.option2), variant)
    for n, data in enumerate(planned):
        found = by_options.get(option_key(data["option1"], data["option2"]))
        if found is not None and found.id not in used:
            matches[n] = found
            used.add(found.id)
    for n, data in enumerate(planned):
        if matches[n] is None:
            same = [v for v in existing if v.sku == data["sku"] and v.id not in used]
            if len(same) == 1:
                matches[n] = same[0]
                used.add(same[0].id)
    return matches


def _write(plan, photos):
    """Create or update the product; True if it was created."""
    product = db.session.scalar(db.select(Product).where(Product.slug == plan["slug"]))
    created = product is None
    fields = dict(plan["fields"])
    if plan["category"]:
        fields["category_id"] = products.category_by_name(plan["category"]).id
    elif plan.get("category_given"):
        fields["category_id"] = None
    matches = match_variants(product.variants if product else [], plan["variants"])
    # A variant the shop already has keeps its stock when the file has none; a new one starts at 0.
    variants = [dict(v, id=match.id) if match else {"stock": 0, **v}
                for v, match in zip(plan["variants"], matches)]
    if product is None:
        product = products.create_product(variants, slug=plan["slug"], **fields)
    else:
        products.update_product(product, variants=variants, **fields)
    if "body" in plan:
        product.description_html = plan["body"]
        product.description_md = html_to_markdown(plan["body"])
        product.description_text = plain_text(product.description_md)
    keys = {image.key for image in product.images}
    for key, width, height, alt in photos:
        if key not in keys:
            keys.add(key)
            product.images.append(ProductImage(key=key, width=width, height=height, alt=alt[:200],
                                               position=len(product.images)))
    products.refresh_summary(product)
    db.session.flush()
    return created


def _keep_blocks(html):
    """Shopify bodies use <div> and <h1>, which the sanitiser drops along with the break they
    make ("Big titleHand made"); turn them into blocks it keeps (the page's <h1> is the title)."""
    for old, new in (("div", "p"), ("h1", "h2")):
        html = re.sub(rf"<(/?){old}(?=[\s>/])", rf"<\1{new}", html, flags=re.IGNORECASE)
    return html


def _store_images(refs, handle, upload_dir, base_dir, fetch, problems, own_media, on_image):
    """Fetch and store each image before the product is written, so no write transaction waits
    on the network. A missing image is a warning: the product is imported without it."""
    stored = []
    for line, src, alt in refs:
        known = stored_photo(src, own_media, upload_dir)
        if known:
            stored.append((*known, alt))
            continue
        try:
            stored.append((*images.store_image(fetch(src, base_dir), upload_dir), alt))
        except FETCH_ERRORS as error:
            problems.append(Problem(line, _("image %(src)s not imported: %(reason)s", src=src,
                                            reason=reason(error)), warning=True, handle=handle))
        if on_image:
            on_image()
    return stored
