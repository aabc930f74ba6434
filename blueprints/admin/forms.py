"""Back-office forms. They turn what the merchant typed into plain values for domain/;
the rules about those values live in domain/products.py and domain/settings.py. The settings
page's forms are in settings_forms.py."""
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, HiddenField,
                     IntegerField, SelectChoice, SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from domain import localized
from domain.errors import ShopError
from domain.ids import parse_id
from domain.images import PHOTOS_WITH_A_NEW_PRODUCT
from domain.money import amount_example, to_input
from domain.products import MAX_STOCK, parse_specs, specs_text
from domain.shopconfig import LANGUAGES
from domain.settings import money_from_text

from ..common import number_locale, other_languages, shop

BLANK_VARIANT_ROWS = 3
# The hint under every Markdown text box of the back office.
MARKDOWN_HINT = _l("Markdown: **bold**, *italic*, lists with “- ”, links as [text](https://…).")


def add_translations(form_class, fields):
    """Give form_class an optional `<field>_<lang>` copy of each named field for every shop
    language; the unsuffixed field is the main language's."""
    for name, copy in fields.items():
        for lang in LANGUAGES:
            setattr(form_class, f"{name}_{lang}", copy())
    form_class.translated_fields = tuple(fields)
    return form_class


def translations_data(form, names=None):
    """{lang: {field: text}} of the form's boxes for the shop's other languages."""
    return {lang: {name: form[f"{name}_{lang}"].data for name in (names or form.translated_fields)}
            for lang in other_languages()}


def fill_translations(form, obj):
    """Fill the other languages' boxes from what obj stores."""
    for lang in other_languages():
        stored = localized.translation(obj, lang)
        for name in form.translated_fields:
            value = stored.get(name)
            form[f"{name}_{lang}"].data = specs_text(value) if name == "specs" else (value or "")


def typed_text(field):
    """The text the merchant typed into a field, '' when none was sent."""
    return (field.raw_data[0] if field.raw_data else "").strip()


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class MoneyField(StringField):
    """An amount in the shop's currency, typed as the merchant writes numbers ("39,000",
    "12.50", "4,90" with a German browser: see common.number_locale).

    `data` holds integer minor units (or None when blank) once the form has been validated.
    """

    def process_formdata(self, valuelist):
        self.data = None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return to_input(self.data, shop().currency, number_locale())

    def pre_validate(self, form):
        if not self.raw_data:
            return
        try:
            self.data = money_from_text(self.raw_data[0], shop().currency, number_locale())
        except ShopError as error:
            raise ValidationError(str(error))


class SpecsField(TextAreaField):
    """'Name: value' per line, read into [[name, value], ...]."""

    def process_formdata(self, valuelist):
        self.data = []
        if valuelist:
            try:
                self.data = parse_specs(valuelist[0])
            except ShopError as error:
                raise ValueError(str(error))

    def _value(self):
        return self.raw_data[0] if self.raw_data else specs_text(self.data)


class VariantForm(Form):
    """One row of the variants table; a row left entirely blank is ignored."""

    # Named like Variant.id so the form fills from a product's variants.
    id = HiddenField()
    sku = StringField(_l("SKU"), validators=[Length(max=64)])
    option1 = StringField(_l("Option 1"), validators=[Length(max=60)])
    option2 = StringField(_l("Option 2"), validators=[Length(max=60)])
    price = MoneyField(_l("Price"))
    compare_at_price = MoneyField(_l("Compare-at price (optional)"))
    stock = IntegerField(_l("Stock"), validators=[Optional(), NumberRange(min=0, max=MAX_STOCK)])

    def is_blank(self):
        return not any(typed_text(f) for f in (self.sku, self.option1, self.option2, self.price,
                                         self.compare_at_price, self.stock))

    def validate_sku(self, field):
        if not self.is_blank() and not typed_text(field):
            raise ValidationError(_("Enter a SKU for this variant."))

    def validate_price(self, field):
        if not self.is_blank() and not typed_text(field):
            raise ValidationError(_("Enter a price, e.g. %(example)s.",
                                    example=amount_example(shop().currency, number_locale())))

    def values(self):
        raw_id = str(self.id.data or "").strip()
        return {
            "id": parse_id(raw_id),
            "sku": (self.sku.data or "").strip(),
            "option1": (self.option1.data or "").strip(),
            "option2": (self.option2.data or "").strip(),
            "price": self.price.data,
            "compare_at_price": self.compare_at_price.data,
            "stock": self.stock.data or 0,
            "translations": translations_data(self),
        }


add_translations(VariantForm, {
    "option1": lambda: StringField(validators=[Length(max=60)]),
    "option2": lambda: StringField(validators=[Length(max=60)]),
})


class ProductForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = StringField(_l("Summary"), validators=[Length(max=300)],
                          description=_l("One sentence shown under the product name."))
    category_id = SelectField(_l("Category"), coerce=_optional_int)
    # A new product is a draft, hidden from the shop, until the merchant publishes it.
    status = SelectField(_l("Status"), default="draft")
    featured = BooleanField(_l("Feature on the home page"))
    featured_position = IntegerField(
        _l("Featured position (lower comes first)"), default=0,
        validators=[Optional(), NumberRange(min=0, max=10_000)])
    early_access_until = DateField(
        _l("Early access: last day"), validators=[Optional()],
        description=_l("Until the end of this day (shop time), only customers whose tier has "
                       "early access may buy it; others see when it opens. Empty: for everyone."))
    vendor = StringField(_l("Vendor"), validators=[Length(max=120)])
    product_type = StringField(_l("Product type"), validators=[Length(max=120)])
    tags = StringField(_l("Tags"), description=_l("Separate tags with commas, e.g. mug, gift."),
                       validators=[Length(max=500)])
    option1_name = StringField(_l("First option name"), description=_l("e.g. Size"),
                               validators=[Length(max=60)])
    option2_name = StringField(_l("Second option name"), description=_l("e.g. Colour"),
                               validators=[Length(max=60)])
    specs = SpecsField(_l("Specifications"),
                       description=_l("One per line, like “Material: stoneware”."))
    description_md = TextAreaField(_l("Description"), validators=[Length(max=20_000)],
                                   description=MARKDOWN_HINT)
    variants = FieldList(FormField(VariantForm), min_entries=1, max_entries=200)
    # "Goes well with": shown after the products customers bought together with this one.
    complements = StringField(
        _l("Goes well with"), validators=[Length(max=1000)],
        description=_l("Products you pick to suggest with this one, by the last part of their "
                       "address, in order, separated by commas: e.g. tea-cup, wooden-tray. "
                       "Shown when customers have not bought enough together yet."))

    def set_choices(self, categories, archived=False):
        self.category_id.choices = [SelectChoice("", _("No category"))] + [
            SelectChoice(c.id, c.name) for c in categories]
        self.status.choices = [SelectChoice("active", _("Active: for sale")),
                               SelectChoice("draft", _("Draft: hidden from the shop"))]
        if archived:
            self.status.choices.append(SelectChoice("archived", _("Archived")))
        return self

    def add_blank_rows(self):
        for _row in range(BLANK_VARIANT_ROWS):
            self.variants.append_entry()
        return self

    def product_fields(self):
        return {
            "title": self.title.data, "summary": self.summary.data,
            "category_id": self.category_id.data, "status": self.status.data,
            "featured": self.featured.data, "featured_position": self.featured_position.data or 0,
            "vendor": self.vendor.data, "product_type": self.product_type.data,
            "tags": self.tags.data, "option1_name": self.option1_name.data,
            "option2_name": self.option2_name.data, "specs": self.specs.data,
            "description_md": self.description_md.data,
            "early_access_until": self.early_access_until.data,
            "translations": translations_data(self),
        }

    def variant_rows(self):
        return [row.form.values() for row in self.variants if not row.form.is_blank()]

    def fill_stored_translations(self, product):
        fill_translations(self, product)
        for row, variant in zip(self.variants, product.variants):
            fill_translations(row.form, variant)
        return self


add_translations(ProductForm, {
    "title": lambda: StringField(validators=[Length(max=200)]),
    "summary": lambda: StringField(validators=[Length(max=300)]),
    "description_md": lambda: TextAreaField(validators=[Length(max=20_000)]),
    "option1_name": lambda: StringField(validators=[Length(max=60)]),
    "option2_name": lambda: StringField(validators=[Length(max=60)]),
    "specs": lambda: SpecsField(),
})


class NewPhotoForm(Form):
    """One photo sent with a new product, and its description; both may be left empty."""

    photo = FileField()
    alt = StringField(validators=[Length(max=200)])

    def upload(self):
        """(bytes, alt) of the photo chosen, or None."""
        if not self.photo.data:
            return None
        return self.photo.data.read(), (self.alt.data or "").strip()


class NewProductForm(ProductForm):
    """The product form of a new product, which also takes its first photos."""

    photos = FieldList(FormField(NewPhotoForm), min_entries=PHOTOS_WITH_A_NEW_PRODUCT,
                       max_entries=PHOTOS_WITH_A_NEW_PRODUCT)

    def uploads(self):
        """[(row index, (bytes, alt))] of the photos chosen, in the order of the rows."""
        return [(index, upload) for index, row in enumerate(self.photos)
                if (upload := row.form.upload()) is not None]

    def photos_sent(self):
        return any(row.form.photo.data for row in self.photos)


class ImageForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG, PNG, WebP or GIF)"),
                      validators=[FileRequired(_l("Choose a photo to upload."))])
    alt = StringField(_l("Describe the photo for people who cannot see it"),
                      validators=[Length(max=200)])


class EmptyForm(FlaskForm):
    """For buttons that post nothing but the CSRF token."""


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    position = IntegerField(_l("Position (lower comes first)"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=10_000)])


add_translations(CategoryForm, {"name": lambda: StringField(validators=[Length(max=120)])})


def add_domain_errors(form, error):
    """Show a domain error next to the fields it names (InvalidSettings), else on the form."""
    for name, message in getattr(error, "errors", {}).items():
        if name in form:
            form[name].errors = list(form[name].errors) + [message]
    return form
