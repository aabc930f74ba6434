"""Shopify files for the import tests: a product export as Shopify writes it, written to disk."""
import csv
import os

from PIL import Image

COLUMNS = ["Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags",
           "Published", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
           "Variant SKU", "Variant Inventory Qty", "Variant Price", "Variant Compare At Price",
           "Image Src", "Image Position", "Image Alt Text", "Status"]
MUG_BODY = ('<h1>Moon Mug</h1><div>A <strong>hand-thrown</strong> mug.</div>\n<h2>Details</h2>'
            '<ul><li>350 ml</li><li>Dishwasher safe</li></ul><script>alert(1)</script>'
            '<p><a href="https://example.com/care">Care guide</a></p>')


def write_csv(folder, rows, columns=COLUMNS, name="products.csv"):
    path = os.path.join(folder, name)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: v for k, v in row.items() if k in columns})
    return path


def png(folder, name="mug.png", colour=(40, 90, 160)):
    path = os.path.join(folder, name)
    Image.new("RGB", (640, 480), colour).save(path, "PNG")
    return path


def mug_rows(image="mug.png", price_blue="39000.00", price_white="42000.00"):
    """Shopify's layout: the product row with its first variant, a variant row, an image row."""
    return [
        {"Handle": "moon-mug", "Title": "Moon Mug", "Body (HTML)": MUG_BODY, "Vendor": "Moonjar",
         "Product Category": "Home & Garden > Kitchen & Dining > Tableware > Drinkware > Mugs",
         "Type": "Mugs", "Tags": "mug, Gift", "Published": "TRUE", "Option1 Name": "Glaze",
         "Option1 Value": "Blue", "Variant SKU": "MOON-BLUE", "Variant Inventory Qty": "12",
         "Variant Price": price_blue, "Variant Compare At Price": "45000.00", "Image Src": image,
         "Image Position": "1", "Image Alt Text": "The blue moon mug", "Status": "active"},
        {"Handle": "moon-mug", "Option1 Value": "White", "Variant SKU": "MOON-WHITE",
         "Variant Inventory Qty": "0", "Variant Price": price_white},
    ]


def bowl_rows(price="22000"):
    return [{"Handle": "rice-bowl", "Title": "Rice Bowl", "Type": "Bowls", "Option1 Name": "Title",
             "Option1 Value": "Default Title", "Variant SKU": "BOWL-1", "Variant Price": price,
             "Variant Inventory Qty": "5", "Status": "active"}]


def sized_rows(handle, title, sku, sizes=("S", "M", "L"), stock=None):
    """A 2025 store's layout: one SKU for every size of a product, no stock column."""
    rows = []
    for n, size in enumerate(sizes):
        row = {"Handle": handle, "Option1 Value": size, "Variant SKU": sku,
               "Variant Price": "30000"}
        if n == 0:
            row.update({"Title": title, "Option1 Name": "Size", "Status": "active"})
        if stock is not None:
            row["Variant Inventory Qty"] = str(stock)
        rows.append(row)
    return rows
