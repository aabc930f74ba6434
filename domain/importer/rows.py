"""Reading a Shopify CSV file: its cells, prices, quantities and what the report says.

Line numbers count rows as a spreadsheet shows them, the header being line 1. Cells the shop's
own exports escaped against formula injection (a quote before "=...") are read back as they
were (domain.csvcells).
"""
import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from flask_babel import gettext as _, ngettext

from .. import products
from ..csvcells import unescape
from ..errors import ImportFailed
from ..money import minor_digits

REQUIRED_COLUMNS = ("Handle", "Title", "Variant Price")
# The columns the importer reads ("Collection" is the shop's own export's category).
READ_COLUMNS = frozenset({
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name",
    "Option3 Value", "Variant SKU", "Variant Inventory Qty", "Variant Price",
    "Variant Compare At Price", "Image Src", "Image Alt Text", "Status", "Collection",
})
# Shopify's bookkeeping, which means nothing here: never reported.
NOT_NEEDED = frozenset({"Image Position", "Variant Inventory Tracker",
                        "Variant Fulfillment Service", "Variant Weight Unit"})
# Columns whose usual value is what the shop does anyway; reported only when a product differs.
SHOP_DEFAULTS = {"Variant Requires Shipping": {"true"}, "Variant Taxable": {"true"},
                 "Variant Inventory Policy": {"deny"}, "Gift Card": {"false"}}
# Fields rather than lines: how many lines a report sentence lists before "…".
LISTED = 10
_PRICE = re.compile(r"\d+(\.\d+)?")
_QUANTITY = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Problem:
    """A report line. Not a warning: the row (and its product) was not imported. A warning:
    imported, with something left out or worth checking."""
    line: int
    message: str
    warning: bool = False
    handle: str = ""
    # "products" or "inventory": the file the line number counts in.
    source: str = "products"

    def __str__(self):
        if self.source == "inventory":
            place = _("inventory line %(line)d", line=self.line)
        else:
            place = _("line %(line)d", line=self.line)
        if self.warning:
            return _("warning, %(place)s: %(message)s", place=place, message=self.message)
        return f"{place}: {self.message}"


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    stock_set: int = 0
    problems: list = field(default_factory=list)

    @property
    def failed(self):
        return any(not p.warning for p in self.problems)


@dataclass
class ProductRows:
    handle: str
    rows: list  # [(line, {column: value})]

    def is_variant_row(self, line, row):
        """Shopify's rule: the first row carries a variant; later rows do when they have one of
        its values (rows with only an image add a photo)."""
        return line == self.rows[0][0] or any(row.get(c) for c in (
            "Variant SKU", "Variant Price", "Option1 Value", "Option2 Value"))


class ProductFile(NamedTuple):
    columns: list
    groups: list
    # Rows that could not be read, and what the file as a whole holds that the shop drops.
    problems: list


def parse_price(text, currency):
    """'39000.00' in KRW -> 39000, '12.50' in USD -> 1250. ValueError says what is wrong.

    Stricter than Money.parse on purpose: Shopify writes plain decimals, and reading '12,50' as
    1250 would be a costly guess."""
    text = (text or "").strip()
    if text.startswith("-"):
        raise ValueError(_("price %(price)s is negative", price=text))
    if not _PRICE.fullmatch(text):
        raise ValueError(_("price %(price)s is not a number like 12.50", price=repr(text)))
    digits = minor_digits(currency)
    scaled = Decimal(text).scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise ValueError(_("price %(price)s has more decimal places than %(currency)s allows "
                           "(%(digits)d)", price=text, currency=currency, digits=digits))
    if scaled > products.MAX_PRICE:
        raise ValueError(_("price %(price)s is too large", price=text))
    return int(scaled)


def parse_quantity(text, allow_negative=False):
    """A whole number of units; blank is 0. Shopify's inventory counts may be negative (sold
    beyond stock): allow_negative lets those through for the caller to settle."""
    text = (text or "").strip()
    if not text:
        return 0
    if not _QUANTITY.fullmatch(text):
        raise ValueError(_("inventory %(value)s is not a whole number", value=repr(text)))
    value = int(text)
    if value < 0 and not allow_negative:
        raise ValueError(_("inventory %(value)d is negative", value=value))
    if abs(value) > products.MAX_STOCK:
        raise ValueError(_("inventory %(value)d is more than %(max)d", value=value,
                           max=products.MAX_STOCK))
    return value


def read_table(path):
    """Every row of a CSV file, cells unescaped and trimmed; ImportFailed if unreadable."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            table = [[unescape(cell).strip() for cell in cells] for cells in csv.reader(fh)]
    except UnicodeDecodeError:
        raise ImportFailed(_("The file is not UTF-8 text. In a spreadsheet, save it as "
                             "“CSV UTF-8”."))
    except csv.Error as error:
        raise ImportFailed(_("The file is not a readable CSV: %(error)s", error=error))
    if not table or not any(table[0]):
        raise ImportFailed(_("The file is empty."))
    return table


def read_header(path):
    """The column names of a CSV file, reading only its first row."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), [])
    except UnicodeDecodeError:
        raise ImportFailed(_("The file is not UTF-8 text. In a spreadsheet, save it as "
                             "“CSV UTF-8”."))
    except csv.Error as error:
        raise ImportFailed(_("The file is not a readable CSV: %(error)s", error=error))
    if not any(c.strip() for c in header):
        raise ImportFailed(_("The file is empty."))
    return [c.strip() for c in header]


def check_product_columns(columns):
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFailed(_("The file has no %(columns)s column; is it a Shopify product export?",
                             columns=", ".join(missing)))


def group_rows(table, source="products"):
    """({handle: ProductRows} in file order, problems): rows by their product's handle."""
    columns = table[0]
    groups, problems, damaged = {}, [], set()
    for line, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(columns)}
        handle = row.get("Handle", "").lower()
        if any("\0" in c for c in cells):
            # A damaged file: the row is not read, nor the rest of its product.
            handle = handle.replace("\0", "")
            problems.append(Problem(line, _("a cell holds a NUL character (is the file "
                                            "damaged?); %(what)s not imported",
                                            what=handle or _("the row")), handle=handle,
                                    source=source))
            damaged.add(handle)
            continue
        if not handle:
            problems.append(Problem(line, _("no Handle; every row needs its product's handle"),
                                    source=source))
            continue
        groups.setdefault(handle, ProductRows(handle, [])).rows.append((line, row))
    return [g for g in groups.values() if g.handle not in damaged], problems


def read_csv(path):
    """ProductFile(columns, [ProductRows], problems) from a Shopify product export;
    ImportFailed if it cannot be read at all."""
    table = read_table(path)
    check_product_columns(table[0])
    groups, problems = group_rows(table)
    problems += repeated_sku_warnings(groups) + dropped_column_warnings(table[0], groups)
    return ProductFile(table[0], groups, problems)


def variant_skus(groups):
    """{sku: [(line, handle)]} for the SKUs the file gives its variants."""
    found = {}
    for group in groups:
        for line, row in group.rows:
            if row.get("Variant SKU") and group.is_variant_row(line, row):
                found.setdefault(row["Variant SKU"], []).append((line, group.handle))
    return found


def repeated_skus(groups):
    """The SKUs on more than one variant of the file."""
    return {sku for sku, places in variant_skus(groups).items() if len(places) > 1}


def listed(numbers):
    """'2, 3, 5' or '2, 3, 5, … (14 in all)'."""
    shown = ", ".join(str(n) for n in numbers[:LISTED])
    if len(numbers) > LISTED:
        shown += " " + _("… (%(num)d in all)", num=len(numbers))
    return shown


def repeated_sku_warnings(groups):
    """One warning per SKU the file repeats: stores reuse one SKU across sizes, and the shop
    takes it as the label it is (variants are told apart by their options)."""
    warnings = []
    for sku, places in variant_skus(groups).items():
        if len(places) > 1:
            line, handle = places[0]
            warnings.append(Problem(line, _(
                "SKU %(sku)s is on %(num)d variants (lines %(lines)s); each is imported with it",
                sku=sku, num=len(places), lines=listed([p[0] for p in places])),
                warning=True, handle=handle))
    return warnings


def _meaningful(column, value):
    return bool(value) and value.lower() not in SHOP_DEFAULTS.get(column, ())


def dropped_column_warnings(columns, groups):
    """A warning for each column the shop does not import that holds something in the file,
    with how many products have it (e.g. SEO Title, Variant Barcode, Cost per item)."""
    ignored = [c for c in columns if c and c not in READ_COLUMNS and c not in NOT_NEEDED]
    warnings = []
    for column in ignored:
        count = sum(1 for g in groups if any(_meaningful(column, row.get(column, ""))
                                             for _line, row in g.rows))
        if count:
            warnings.append(Problem(1, ngettext(
                "the column “%(column)s” is not imported; %(num)d product has values in it",
                "the column “%(column)s” is not imported; %(num)d products have values in it",
                count, column=column), warning=True))
    return warnings
