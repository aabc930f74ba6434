"""Import products from a Shopify product export (CSV).

Shopify writes one product over several rows sharing a Handle: the first row carries the
product and its first variant; later rows add variants and/or images. The handle becomes the
slug, so importing the same file again updates those products instead of adding copies.
Line numbers count rows as a spreadsheet shows them, the header being line 1.

Descriptions: Shopify holds HTML. It is sanitised (domain.text.sanitize_html) and stored as
description_html, shown as it was; description_text is its plain text, for search; and
description_md gets the same content as Markdown (html_to_markdown), because the back office
edits Markdown and escapes raw HTML: stored there, the HTML would turn into visible tags.
"""
import csv
import os
import re
import stat
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from http.client import HTTPException
from pathlib import Path
from urllib.parse import unquote, urlparse

from sqlalchemy.exc import SQLAlchemyError

from . import images, products
from .errors import ImportFailed, InvalidImage, ShopError
from .extensions import db
from .models import PRODUCT_STATUSES, Product, ProductImage, Variant
from .money import minor_digits
from .text import plain_text, sanitize_html

REQUIRED_COLUMNS = ("Handle", "Title", "Variant Price")
FETCH_TIMEOUT = 10
# The whole download of one image, however slowly its bytes arrive.
FETCH_DEADLINE = 30
_CHUNK = 64 * 1024
_PRICE = re.compile(r"\d+(\.\d+)?")
_QUANTITY = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    warning: bool = False

    def __str__(self):
        return f"{'warning, ' if self.warning else ''}line {self.line}: {self.message}"


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list = field(default_factory=list)

    @property
    def failed(self):
        return any(not p.warning for p in self.problems)


@dataclass
class ProductRows:
    handle: str
    rows: list  # [(line, {column: value})]


def parse_price(text, currency):
    """'39000.00' in KRW -> 39000, '12.50' in USD -> 1250. ValueError says what is wrong.

    Stricter than Money.parse on purpose: Shopify writes plain decimals, and reading '12,50' as
    1250 would be a costly guess."""
    text = (text or "").strip()
    if text.startswith("-"):
        raise ValueError(f"price {text} is negative")
    if not _PRICE.fullmatch(text):
        raise ValueError(f"price {text!r} is not a number like 12.50")
    digits = minor_digits(currency)
    scaled = Decimal(text).scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"price {text} has more decimal places than {currency} allows ({digits})")
    if scaled > products.MAX_PRICE:
        raise ValueError(f"price {text} is too large")
    return int(scaled)


def parse_quantity(text):
    text = (text or "").strip()
    if not text:
        return 0
    if not _QUANTITY.fullmatch(text):
        raise ValueError(f"inventory {text!r} is not a whole number")
    value = int(text)
    if value < 0:
        raise ValueError(f"inventory {value} is negative")
    if value > products.MAX_STOCK:
        raise ValueError(f"inventory {value} is more than {products.MAX_STOCK}")
    return value


def read_csv(path):
    """(columns, [ProductRows], problems) from a Shopify export; ImportFailed if unreadable."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            table = list(csv.reader(fh))
    except UnicodeDecodeError:
        raise ImportFailed("The file is not UTF-8 text. In a spreadsheet, save it as \"CSV UTF-8\".")
    except csv.Error as error:
        raise ImportFailed(f"The file is not a readable CSV: {error}")
    if not table:
        raise ImportFailed("The file is empty.")
    columns = [c.strip() for c in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFailed(f"The file has no {', '.join(missing)} column; "
                           "is it a Shopify product export?")
    groups, problems, damaged = {}, [], set()
    for line, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(columns)}
        handle = row["Handle"].lower()
        if any("\0" in c for c in cells):
            # A damaged file: the row is not read, nor the rest of its product.
            handle = handle.replace("\0", "")
            problems.append(Problem(line, "a cell holds a NUL character (is the file damaged?); "
                                          f"{handle or 'the row'} not imported"))
            damaged.add(handle)
            continue
        if not handle:
            problems.append(Problem(line, "no Handle; every row needs its product's handle"))
            continue
        groups.setdefault(handle, ProductRows(handle, [])).rows.append((line, row))
    return columns, [g for g in groups.values() if g.handle not in damaged], problems


def import_products(groups, columns, currency, upload_dir, base_dir=None, after_each=None,
                    fetch=None):
    """Import each product in its own savepoint: a product with any bad row is not written
    at all, the others are. after_each (e.g. a commit) runs after every product, which keeps
    write transactions short while the shop is serving."""
    report, seen = Report(), {}
    fetch = fetch or read_image
    for group in groups:
        plan, problems = _plan(group, columns, currency, seen)
        report.problems.extend(problems)
        if any(not p.warning for p in problems):
            report.skipped += 1
            continue
        photos = _store_images(plan["images"], upload_dir, base_dir, fetch, report)
        try:
            with db.session.begin_nested():
                created = _write(plan, photos)
        except (ShopError, SQLAlchemyError) as error:
            report.problems.append(Problem(group.rows[0][0], f"{group.handle} not imported: {error}"))
            report.skipped += 1
        else:
            report.created += created
            report.updated += not created
        if after_each:
            after_each()
    return report


def _plan(group, columns, currency, seen):
    """What to write for one product, and the problems of its rows."""
    problems = []
    first_line, first = group.rows[0]

    def error(line, message):
        problems.append(Problem(line, message))

    title = first.get("Title", "")
    if not title:
        error(first_line, f"no Title; the first row of {group.handle} needs one")
    elif len(title) > 200:
        error(first_line, "the Title is longer than 200 characters")
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
        error(first_line, f"Status {status!r} is not one of {', '.join(PRODUCT_STATUSES)}")
    elif status:
        fields["status"] = status
    elif first.get("Published"):
        fields["status"] = "draft" if first["Published"].lower() in ("false", "no", "0") else "active"
    variants, image_refs = [], []
    for line, row in group.rows:
        if line == first_line or any(row.get(c) for c in (
                "Variant SKU", "Variant Price", "Option1 Value", "Option2 Value")):
            variant = _variant(group, line, row, columns, currency, default_option, len(variants),
                               error)
            if variant:
                sku = variant["sku"]
                if sku in seen:
                    error(line, f"SKU {sku} is also on line {seen[sku]}")
                seen.setdefault(sku, line)
                variants.append((line, variant))
        if row.get("Image Src"):
            image_refs.append((line, row["Image Src"], row.get("Image Alt Text", "")))
    slug = products.slugify(group.handle)
    taken = dict(db.session.execute(
        db.select(Variant.sku, Product.title).join(Product)
        .where(Variant.sku.in_([v["sku"] for _, v in variants]), Product.slug != slug)).all())
    for line, variant in variants:
        if variant["sku"] in taken:
            error(line, f"SKU {variant['sku']} already belongs to {taken[variant['sku']]!r}")
    plan = {"slug": slug, "fields": fields, "variants": [v for _, v in variants],
            "category": kind, "images": image_refs}
    if "Body (HTML)" in columns:
        plan["body"] = sanitize_html(_keep_blocks(first["Body (HTML)"]))
    return plan, problems


def _variant(group, line, row, columns, currency, default_option, position, error):
    values = [row.get("Option1 Value", ""), row.get("Option2 Value", "")]
    if default_option and values[0].lower() == "default title":
        values[0] = ""
    if any(len(v) > 60 for v in values):
        error(line, "an option value is longer than 60 characters")
        return None
    sku = row.get("Variant SKU") or f"{group.handle[:58].upper()}-{position + 1}"
    if len(sku) > 64:
        error(line, f"SKU {sku[:20]}... is longer than 64 characters")
        return None
    variant = {"sku": sku, "option1": values[0], "option2": values[1], "position": position}
    try:
        if not row.get("Variant Price"):
            raise ValueError("no Variant Price")
        variant["price"] = parse_price(row["Variant Price"], currency)
        if "Variant Compare At Price" in columns:
            compare = row["Variant Compare At Price"]
            # Shopify writes 0 or nothing when there is no compare-at price.
            variant["compare_at_price"] = (parse_price(compare, currency) if compare else 0) or None
        # Without the column (newer exports keep stock elsewhere) stock is left as it is.
        if "Variant Inventory Qty" in columns:
            variant["stock"] = parse_quantity(row["Variant Inventory Qty"])
    except ValueError as problem:
        error(line, str(problem))
        return None
    return variant


def _write(plan, photos):
    """Create or update the product; True if it was created."""
    product = db.session.scalar(db.select(Product).where(Product.slug == plan["slug"]))
    created = product is None
    fields = dict(plan["fields"])
    if plan["category"]:
        fields["category_id"] = products.category_by_name(plan["category"]).id
    ids = {v.sku: v.id for v in product.variants} if product else {}
    # A variant the shop already has keeps its stock when the file has none; a new one starts at 0.
    variants = [dict(v, id=ids[v["sku"]]) if v["sku"] in ids else {"stock": 0, **v}
                for v in plan["variants"]]
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


def _store_images(refs, upload_dir, base_dir, fetch, report):
    """Fetch and store each image before the product is written, so no write transaction waits
    on the network. A missing image is a warning: the product is imported without it."""
    stored = []
    for line, src, alt in refs:
        try:
            stored.append((*images.store_image(fetch(src, base_dir), upload_dir), alt))
        except (OSError, ValueError, HTTPException, InvalidImage) as error:
            reason = error.reason if type(error) is urllib.error.URLError else error
            report.problems.append(Problem(line, f"image {src} not imported: {reason}", warning=True))
    return stored


def read_image(src, base_dir=None):
    """The bytes of an image given as an http(s) URL, or as a file:// URL or a path relative
    to base_dir (the CSV's folder) naming a regular file inside that folder. Without base_dir
    no local file is read. OSError or ValueError when it cannot or may not be read; at most
    images.MAX_BYTES are read, and a URL must arrive within FETCH_DEADLINE seconds."""
    if "\0" in src:
        raise ValueError("the name holds a NUL character")
    parsed = urlparse(src)
    if parsed.scheme in ("http", "https"):
        return _read_url(src)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise ValueError("file: links to other hosts are not supported")
        path = unquote(parsed.path)
    elif parsed.scheme and len(parsed.scheme) > 1:
        raise ValueError(f"{parsed.scheme}: links are not supported")
    else:
        path = src
    return _read_local(path, base_dir)


def _too_large():
    return ValueError(f"larger than {images.MAX_BYTES // (1024 * 1024)} MB")


def _read_url(src):
    deadline = time.monotonic() + FETCH_DEADLINE
    request = urllib.request.Request(src, headers={"User-Agent": "shop-import"})
    chunks, size = [], 0
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > images.MAX_BYTES:
            raise _too_large()
        while True:
            if time.monotonic() > deadline:
                raise ValueError(f"took longer than {FETCH_DEADLINE:g} seconds")
            chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > images.MAX_BYTES:
                raise _too_large()
            chunks.append(chunk)
    return b"".join(chunks)


def _read_local(path, base_dir):
    """A regular file inside base_dir, with every symlink resolved before checking."""
    if not base_dir:
        raise ValueError("local files are read only from the CSV's folder")
    folder = Path(base_dir).resolve(strict=True)
    target = (folder / path).resolve(strict=True)
    if target != folder and folder not in target.parents:
        raise ValueError("only files in the CSV's folder are read")
    fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise ValueError("not a regular file")
        data = fh.read(images.MAX_BYTES + 1)
    if len(data) > images.MAX_BYTES:
        raise _too_large()
    return data


class _Markdown(HTMLParser):
    """Markdown for the tags sanitize_html lets through (domain.text.ALLOWED_TAGS)."""

    # render_markdown moves headings one level down (# is <h2>), so <h2> is written as #.
    BLOCK = {"p": "", **{f"h{n}": "#" * (n - 1) + " " for n in range(2, 7)}}
    INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = [[]]  # output buffers; links, quotes and table cells open their own
        self.lists, self.rows, self.hrefs, self.pre = [], [], [], False

    def emit(self, text):
        self.stack[-1].append(text)

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCK:
            self.emit("\n\n" + self.BLOCK[tag])
        elif tag in self.INLINE and not self.pre:
            self.emit(self.INLINE[tag])
        elif tag in ("ul", "ol"):
            self.emit("" if self.lists else "\n")  # a nested list stays inside its item
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            kind = self.lists[-1]
            kind[1] += 1
            marker = "- " if kind[0] == "ul" else f"{kind[1]}. "
            self.emit("\n" + "   " * (len(self.lists) - 1) + marker)
        elif tag == "br":
            self.emit("  \n")
        elif tag == "hr":
            self.emit("\n\n---\n\n")
        elif tag == "pre":
            self.pre = True
            self.emit("\n\n```\n")
        elif tag in ("a", "blockquote", "th", "td"):
            if tag == "a":
                self.hrefs.append(dict(attrs).get("href") or "")
            self.stack.append([])
        elif tag == "tr":
            self.rows.append([])

    def handle_endtag(self, tag):
        if tag in self.INLINE and not self.pre:
            self.emit(self.INLINE[tag])
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.emit("" if self.lists else "\n\n")
        elif tag == "pre":
            self.pre = False
            self.emit("\n```\n\n")
        elif tag == "a" and len(self.stack) > 1:
            text, href = "".join(self.stack.pop()), self.hrefs.pop()
            self.emit(f"[{text}]({href})" if href else text)
        elif tag == "blockquote" and len(self.stack) > 1:
            text = "".join(self.stack.pop()).strip()
            self.emit("\n\n" + "\n".join("> " + line for line in text.splitlines()) + "\n\n")
        elif tag in ("th", "td") and len(self.stack) > 1:
            cell = " ".join("".join(self.stack.pop()).split()).replace("|", "\\|")
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append(cell)
        elif tag == "table" and self.rows:
            width = max(len(r) for r in self.rows)
            lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in self.rows]
            lines.insert(1, "|" + " --- |" * width)
            self.emit("\n\n" + "\n".join(lines) + "\n\n")
            self.rows = []

    def handle_data(self, data):
        if self.pre:
            self.emit(data)
            return
        text = re.sub(r"\s+", " ", data)
        self.emit(re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text))


def html_to_markdown(html):
    """Markdown that renders to (nearly) the same sanitised HTML."""
    parser = _Markdown()
    parser.feed(html or "")
    parser.close()
    text = "".join("".join(part) for part in parser.stack)
    # Trailing spaces go, except the two that make a <br>.
    text = "\n".join(line if line.endswith("  ") else line.rstrip(" ") for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
