"""Stock from Shopify's inventory export (Products > Inventory > Export), a file of its own.

Newer product exports carry no stock: Shopify keeps it per location in this file. Each row
names a variant by its product's Handle and its option values (Option1 Value, Option2 Value; a
SKU can repeat, so it only settles a tie) and gives its quantities at one Location:
"Available (not editable)", "On hand (current)" and "On hand (new)", among others. Older
exports have one column per location instead, holding the available quantity.

The count set is what the shop can sell: "On hand (new)" when the merchant typed one, else
Available (on hand less what Shopify's own open orders hold), else On hand. The shop keeps one
count per variant, so the counts of several locations are added up. A variant the file does not
name keeps its stock.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from .. import products, stock
from ..errors import ImportFailed
from ..extensions import db
from ..models import Product
from .catalogue import option_key
from .rows import Problem, group_rows, listed, parse_quantity, read_table

AVAILABLE = ("Available (not editable)", "Available")
NEW_ON_HAND = "On hand (new)"
ON_HAND = ("On hand (current)", "On hand")
# What names a variant, or says something other than a quantity at a location.
NOT_LOCATIONS = frozenset({
    "Handle", "Title", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
    "Option3 Name", "Option3 Value", "SKU", "Variant SKU", "HS Code", "COO", "Location",
    "Bin name", "Incoming (not editable)", "Unavailable (not editable)",
    "Committed (not editable)", "Incoming", "Unavailable", "Committed", *AVAILABLE, NEW_ON_HAND,
    *ON_HAND,
})
NOT_STOCKED = "not stocked"


@dataclass
class InventoryFile:
    columns: list
    groups: list  # [ProductRows]
    problems: list
    # Columns that are locations, in the older layout; empty in the newer one.
    location_columns: list


def read_inventory(path):
    """InventoryFile from a Shopify inventory export; ImportFailed if it cannot be used."""
    table = read_table(path)
    columns = table[0]
    check_inventory_columns(columns)
    groups, problems = group_rows(table, source="inventory")
    location_columns = _location_columns(columns)
    locations = location_columns or sorted({row.get("Location", "") for g in groups
                                            for _line, row in g.rows} - {""})
    if len(locations) > 1:
        problems.append(Problem(1, _(
            "the stock of %(num)d locations (%(names)s) is added up: the shop keeps one count "
            "per variant", num=len(locations), names=listed(locations)), warning=True,
            source="inventory"))
    return InventoryFile(columns, groups, problems, location_columns)


def _location_columns(columns):
    if any(c in columns for c in (*AVAILABLE, NEW_ON_HAND, *ON_HAND)):
        return []
    return [c for c in columns if c and c not in NOT_LOCATIONS and not c.startswith("Variant ")]


def check_inventory_columns(columns):
    if "Variant Price" in columns or "Body (HTML)" in columns:
        raise ImportFailed(_("This is a product export, not an inventory export (in Shopify: "
                             "Products › Inventory › Export)."))
    if "Handle" not in columns:
        raise ImportFailed(_("The inventory file has no Handle column; is it a Shopify inventory "
                             "export?"))
    if not any(c in columns for c in (*AVAILABLE, NEW_ON_HAND, *ON_HAND)) \
            and not _location_columns(columns):
        raise ImportFailed(_("The inventory file has no quantity column (Available or On hand); "
                             "is it a Shopify inventory export?"))


def _count(row, location_columns):
    """The row's quantity (may be negative), or None when it gives none. ValueError if bad."""
    if location_columns:
        cells = [row.get(c, "") for c in location_columns]
    elif row.get(NEW_ON_HAND):
        cells = [row[NEW_ON_HAND]]
    else:
        cells = [next((row[c] for c in (*AVAILABLE, *ON_HAND) if c in row), "")]
    cells = [c for c in cells if c]
    if not cells:
        return None
    return sum(0 if c.lower() == NOT_STOCKED else parse_quantity(c, allow_negative=True)
               for c in cells)


def _options(row):
    values = [row.get("Option1 Value", ""), row.get("Option2 Value", "")]
    # A product without options: Shopify's one variant is "Default Title" (option "Title").
    if values[0].lower() == "default title" and row.get("Option1 Name", "Title").lower() == "title":
        values[0] = ""
    return values


def apply_inventory(group, location_columns):
    """Set the stock of one product's variants from its rows; (variants set, problems)."""
    problems = []

    def problem(line, message, warning=False):
        problems.append(Problem(line, message, warning=warning, handle=group.handle,
                                source="inventory"))

    product = db.session.scalar(db.select(Product).where(
        Product.slug == products.slugify(group.handle)))
    if product is None:
        problem(group.rows[0][0], _("no product has the handle %(handle)s; its stock was not set",
                                    handle=group.handle))
        return 0, problems
    counts, lines = {}, {}
    for line, row in group.rows:
        try:
            count = _count(row, location_columns)
        except ValueError as error:
            problem(line, str(error))
            continue
        if count is None:
            problem(line, _("no quantity; the stock was left as it is"), warning=True)
            continue
        option1, option2 = _options(row)
        variant = _find_variant(product, option1, option2, row.get("SKU") or row.get("Variant SKU"))
        if variant is None:
            name = " / ".join(v for v in (option1, option2) if v) or row.get("SKU") or "?"
            problem(line, _("%(handle)s has no variant %(name)s; its stock was not set",
                            handle=group.handle, name=name))
            continue
        counts[variant.id] = counts.get(variant.id, 0) + count
        lines.setdefault(variant.id, line)
    for variant_id, count in list(counts.items()):
        if count < 0:
            problem(lines[variant_id], _("the quantity is %(num)d (sold beyond stock); set to 0",
                                         num=count), warning=True)
            counts[variant_id] = 0
        elif count > products.MAX_STOCK:
            problem(lines[variant_id], _("inventory %(value)d is more than %(max)d", value=count,
                                         max=products.MAX_STOCK))
            del counts[variant_id]
    if counts:
        stock.set_counts(product.id, counts)
    return len(counts), problems


def _find_variant(product, option1, option2, sku):
    key = option_key(option1, option2)
    found = [v for v in product.variants if option_key(v.option1, v.option2) == key]
    if len(found) == 1:
        return found[0]
    if sku:
        same = [v for v in (found or product.variants) if v.sku == sku]
        if len(same) == 1:
            return same[0]
    return found[0] if found else None
