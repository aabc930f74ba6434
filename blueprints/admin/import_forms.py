"""Back-office import form: a Shopify product export and, optionally, its inventory export."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

CSV_ONLY = FileAllowed(["csv"], _l("Choose a .csv file, as Shopify exports it."))


class ImportForm(FlaskForm):
    products = FileField(_l("Product export (CSV)"),
                         validators=[FileRequired(_l("Choose the product export to import.")),
                                     CSV_ONLY],
                         description=_l("In Shopify: Products › Export › All products, "
                                        "“CSV for Excel, Numbers, or other spreadsheet programs”."))
    inventory = FileField(_l("Inventory export (CSV, optional)"), validators=[CSV_ONLY],
                          description=_l("In Shopify: Products › Inventory › Export. Sets each "
                                         "variant's stock; without it, stock comes from the "
                                         "product export if it has any."))
