"""Stock from Shopify's inventory export: found by handle and options (the SKU repeats), added up
over locations, what the shop can sell; rows it cannot place are reported by line."""
import csv

import pytest

from domain import importer
from domain.errors import ImportFailed
from domain.extensions import db
from domain.models import Product
from tests.import_helpers import sized_rows, write_csv

# Shopify's inventory export with "All quantity types" (2024-): one row per variant and location.
HEADER = ["Handle", "Title", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
          "Option3 Name", "Option3 Value", "SKU", "HS Code", "COO", "Location", "Bin name",
          "Incoming (not editable)", "Unavailable (not editable)", "Committed (not editable)",
          "Available (not editable)", "On hand (current)", "On hand (new)"]


def inventory_csv(folder, rows, header=HEADER):
    path = folder / "inventory.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: v for k, v in row.items() if k in header})
    return str(path)


def stock_row(handle, size, available, location="Seoul shop", sku="SHIRT", **more):
    return {"Handle": handle, "Title": handle.title(), "Option1 Name": "Size",
            "Option1 Value": size, "SKU": sku, "Location": location,
            "Available (not editable)": available, "On hand (current)": available, **more}


@pytest.fixture
def shirts(ctx, tmp_path):
    """A 2025 export's products: every size shares one SKU, and no stock column."""
    rows = sized_rows("linen-shirt", "Linen Shirt", "SHIRT") + sized_rows(
        "linen-dress", "Linen Dress", "SHIRT", sizes=("S", "M"))
    columns = ["Handle", "Title", "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price",
               "Status"]
    path = write_csv(tmp_path, rows, columns=columns)
    columns, groups, _problems = importer.read_csv(path)
    importer.import_products(groups, columns, "KRW", ctx.config["UPLOAD_FOLDER"])
    db.session.commit()


def apply(path):
    inventory = importer.read_inventory(path)
    report = importer.Report(problems=list(inventory.problems))
    for group in inventory.groups:
        count, problems = importer.apply_inventory(group, inventory.location_columns)
        report.stock_set += count
        report.problems += problems
    db.session.commit()
    db.session.expire_all()
    return report


def stock(handle):
    product = db.session.scalar(db.select(Product).where(Product.slug == handle))
    return {v.option1: v.stock for v in product.variants}, product.stock_total


def test_stock_is_set_by_handle_and_size_though_every_size_has_one_sku(shirts, tmp_path):
    """SKU SHIRT names five variants; handle and size name one each."""
    report = apply(inventory_csv(tmp_path, [
        stock_row("linen-shirt", "S", "3"), stock_row("linen-shirt", "M", "0"),
        stock_row("linen-shirt", "L", "12"), stock_row("linen-dress", "M", "7")]))
    assert (report.stock_set, report.problems) == (4, [])
    assert stock("linen-shirt") == ({"S": 3, "M": 0, "L": 12}, 15)
    assert stock("linen-dress") == ({"S": 0, "M": 7}, 7)  # not in the file: left as it was


def test_locations_add_up_and_not_stocked_counts_nothing(shirts, tmp_path):
    report = apply(inventory_csv(tmp_path, [
        stock_row("linen-shirt", "S", "3"), stock_row("linen-shirt", "S", "2", location="Busan"),
        stock_row("linen-shirt", "M", "not stocked", location="Busan"),
        stock_row("linen-shirt", "M", "4")]))
    assert stock("linen-shirt")[0] == {"S": 5, "M": 4, "L": 0}
    assert [str(p) for p in report.problems] == [
        "warning, inventory line 1: the stock of 2 locations (Busan, Seoul shop) is added up: "
        "the shop keeps one count per variant"]


def test_a_count_typed_into_on_hand_new_wins_over_available(shirts, tmp_path):
    """Shopify's import reads "On hand (new)"; what Shopify's open orders hold is not for sale."""
    apply(inventory_csv(tmp_path, [
        stock_row("linen-shirt", "S", "3", **{"On hand (current)": "5",
                                              "Committed (not editable)": "2"}),
        stock_row("linen-shirt", "M", "3", **{"On hand (new)": "9"})]))
    assert stock("linen-shirt")[0] == {"S": 3, "M": 9, "L": 0}


def test_rows_the_shop_cannot_place_are_reported_by_line(shirts, tmp_path):
    """Unknown product or size, a bad number, an oversold count: each line says why."""
    report = apply(inventory_csv(tmp_path, [
        stock_row("linen-shirt", "XL", "3"),                       # 2
        stock_row("silk-scarf", "S", "3"),                         # 3
        stock_row("linen-dress", "S", "2.5"),                      # 4
        stock_row("linen-dress", "M", "-2"),                       # 5
        stock_row("linen-shirt", "S", "6")]))                      # 6
    assert [str(p) for p in report.problems] == [
        "inventory line 2: linen-shirt has no variant XL; its stock was not set",
        "inventory line 3: no product has the handle silk-scarf; its stock was not set",
        "inventory line 4: inventory '2.5' is not a whole number",
        "warning, inventory line 5: the quantity is -2 (sold beyond stock); set to 0"]
    assert report.failed and report.stock_set == 2
    assert stock("linen-shirt")[0]["S"] == 6 and stock("linen-dress")[0]["M"] == 0


def test_the_older_layout_with_a_column_per_location(shirts, tmp_path):
    """Before 2023 the file had one column per location, holding what is available there."""
    header = ["Handle", "Title", "Option1 Name", "Option1 Value", "Option2 Name",
              "Option2 Value", "Option3 Name", "Option3 Value", "SKU", "Seoul shop", "Busan"]
    apply(inventory_csv(tmp_path, [
        {"Handle": "linen-shirt", "Option1 Name": "Size", "Option1 Value": "L", "SKU": "SHIRT",
         "Seoul shop": "4", "Busan": "1"}], header=header))
    assert stock("linen-shirt")[0]["L"] == 5


def test_a_product_without_options_is_its_default_title(ctx, tmp_path):
    from tests.import_helpers import bowl_rows
    path = write_csv(tmp_path, bowl_rows())
    columns, groups, _problems = importer.read_csv(path)
    importer.import_products(groups, columns, "KRW", ctx.config["UPLOAD_FOLDER"])
    apply(inventory_csv(tmp_path, [{"Handle": "rice-bowl", "Option1 Name": "Title",
                                    "Option1 Value": "Default Title", "SKU": "BOWL-1",
                                    "Location": "Shop", "Available (not editable)": "8"}]))
    assert stock("rice-bowl") == ({"": 8}, 8)


def test_a_file_without_quantities_is_refused(tmp_path):
    path = tmp_path / "inventory.csv"
    path.write_text("Handle,Title,SKU\nlinen-shirt,Linen Shirt,SHIRT\n")
    with pytest.raises(ImportFailed, match="no quantity column"):
        importer.read_inventory(str(path))


def test_a_product_export_given_as_the_inventory_is_refused(tmp_path):
    """Its columns would otherwise be read as locations, and every row fail."""
    path = write_csv(tmp_path, sized_rows("linen-shirt", "Linen Shirt", "SHIRT"))
    with pytest.raises(ImportFailed, match="product export, not an inventory export"):
        importer.read_inventory(path)
