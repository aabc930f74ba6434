"""Import products from a Shopify product export (CSV), and their stock from Shopify's inventory
export (a second CSV).

rows.py reads the files and words the report, catalogue.py writes products one at a time,
photos.py fetches their photos, markdown.py turns their HTML into the back office's Markdown,
inventory.py sets stock. The command line (cli.py) imports a file in one go; the back office
hands it to the worker as a job (domain/import_jobs.py), product by product.
"""
from .. import images  # noqa: F401  (the photo limits the importer applies)
from .catalogue import Outcome, import_product, import_products, match_variants  # noqa: F401
from .inventory import (InventoryFile, apply_inventory, check_inventory_columns,  # noqa: F401
                        read_inventory)
from .markdown import embedded, html_to_markdown  # noqa: F401
from .photos import read_image  # noqa: F401
from .rows import (REQUIRED_COLUMNS, Problem, ProductFile, ProductRows, Report,  # noqa: F401
                   check_product_columns, parse_price, parse_quantity, read_csv, read_header,
                   repeated_skus)
