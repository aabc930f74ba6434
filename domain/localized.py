"""The catalogue in every shop language.

The columns of a product, variant, category or policy hold the shop's main language (a
setting); the shop's other languages live in the row's `translations` JSON, e.g.
{"ko": {"title": "머그", "summary": …}}. A text not translated falls back to the main
language, field by field, so a shopper always sees something. Reading a translation costs no
query: it rides on the row the page loaded anyway.

`text(obj, field)` is what shoppers see, in the language of the request (or the one given);
`set_translation()` is how the back office and the importer write a language.
"""
import re

from flask_babel import get_locale
from flask_babel import gettext as _

from .errors import ShopError
from .extensions import db
from .models import (ChangeNote, Category, FaqCategory, FaqEntry, PolicyPage, Product, ReturnPolicy,
                     Variant)
from .shopconfig import LANGUAGE_NAMES, LANGUAGES
from .text import plain_text, render_markdown

# What each kind of row translates, and the longest text each field takes.
FIELDS = {
    "Product": {"title": 200, "summary": 300, "description_md": 20_000, "option1_name": 60,
                "option2_name": 60, "specs": None},
    "Variant": {"option1": 60, "option2": 60},
    "Category": {"name": 120, "description": 2_000},
    "CategoryInfo": {"name": 120, "description": 2_000},
    "PolicyPage": {"body_md": 50_000},
    "ReturnPolicy": {"general_md": 20_000, "pickup_instructions": 2_000,
                     "dropoff_instructions": 2_000},
    "FaqCategory": {"name": 120},
    "FaqEntry": {"question": 300, "answer_md": 10_000},
    "SavedReply": {"title": 120, "body": 10_000},
    "ChangeNote": {"text": 300},
}
# Markdown fields and what is derived from them when saved, so a page view never renders.
DERIVED = {"description_md": ("description_html", "description_text"),
           "body_md": ("body_html", None), "general_md": ("general_html", None),
           "answer_md": ("answer_html", None)}


def language():
    """The language of the request: one of LANGUAGES."""
    locale = get_locale()
    code = locale.language if locale is not None else LANGUAGES[0]
    return code if code in LANGUAGES else LANGUAGES[0]


def text(obj, field, lang=None):
    """obj's field in lang (default: the request's), else in the main language."""
    if obj is None:
        return ""
    lang = lang or language()
    if field == "title" and type(obj).__name__ == "Variant":
        return " / ".join(v for v in (text(obj, "option1", lang), text(obj, "option2", lang)) if v)
    value = ((getattr(obj, "translations", None) or {}).get(lang) or {}).get(field)
    return value if value else getattr(obj, field)


def translation(obj, lang):
    """The texts stored for lang (empty for the main language or none written)."""
    return dict((getattr(obj, "translations", None) or {}).get(lang) or {})


def set_translation(obj, lang, values, main_language):
    """Store obj's texts in lang (not the main language): blank fields are removed, so they
    fall back to the main language. Markdown is rendered and sanitised here. ShopError for a
    language the shop does not speak or a text that is too long; nothing changes then."""
    if lang not in LANGUAGES or lang == main_language:
        raise ShopError(_("Translations are for the shop's other languages."))
    limits = FIELDS[type(obj).__name__]
    stored = {}
    for field, value in values.items():
        if field not in limits:
            continue
        if field == "specs":
            if value:
                stored[field] = [[str(n), str(v)] for n, v in value]
            continue
        value = (value or "").strip()
        if len(value) > limits[field]:
            raise ShopError(_("Please keep the %(language)s text to %(num)d characters.",
                              language=LANGUAGE_NAMES[lang], num=limits[field]))
        if not value:
            continue
        stored[field] = value
        html, plain = DERIVED.get(field, (None, None))
        if html:
            stored[html] = render_markdown(value)
        if plain:
            stored[plain] = plain_text(value)
    translations = dict(obj.translations or {})
    if stored:
        translations[lang] = stored
    else:
        translations.pop(lang, None)
    # A new dict, so the JSON column is seen as changed.
    obj.translations = translations


def refresh_search(product):
    """Put every language's title, texts and option values in the product's search columns."""
    languages = [None, *LANGUAGES]

    def every(obj, *fields):
        for lang in languages:
            for field in fields:
                value = getattr(obj, field) if lang is None else translation(obj, lang).get(field)
                if value:
                    yield value

    titles = dict.fromkeys(every(product, "title"))
    body = dict.fromkeys([*every(product, "summary", "description_text", "option1_name",
                                 "option2_name"),
                          *(value for variant in product.variants
                            for value in every(variant, "option1", "option2"))])
    product.search_title = "\n".join(titles)
    product.search_body = "\n".join(body)
    product.search_grams = grams(" ".join((product.search_title, product.search_body,
                                           product.tags or "")))
    product.search_words = words(product.search_title, product.search_body, product.tags)


_WORD = re.compile(r"\w+")


def words(*texts):
    """Every distinct word of the texts, case-folded, between spaces: what search looks in on
    PostgreSQL. A searched word is made of word characters only (domain.catalog.search_terms),
    so wherever it occurs in a text it occurs inside one word of it: "bowl" inside "bowls",
    "머그컵" inside "커피머그컵". The list finds the same products as the texts, in a fraction of
    their length, and being folded already it needs no case-insensitive comparison."""
    return " ".join(dict.fromkeys(word.casefold() for text in texts
                                  for word in _WORD.findall(text or "")))


_HANGUL_OR_WORD = re.compile(r"[\uac00-\ud7a3]+|\w+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")


def grams(text):
    """The short-word index of a text: every word, and every syllable and pair of syllables of
    Korean, which writes words together ("커피머그컵" gives 커, 피, 머, 그, 컵, 커피, 피머, 머그,
    그컵). Searching a word of one or two characters looks it up here; longer ones use the
    trigram index."""
    seen = {}
    for token in _HANGUL_OR_WORD.findall((text or "").lower()):
        if _HANGUL.fullmatch(token):
            for size in (1, 2):
                for start in range(len(token) - size + 1):
                    seen[token[start:start + size]] = None
        else:
            seen[token] = None
    return " ".join(seen)


def is_hangul(word):
    return bool(_HANGUL.fullmatch(word))


def change_main_language(settings, new):
    """Make `new` the language the catalogue is written in first, for every product, variant,
    category and policy (a one-off, so it reads them all)."""
    old = settings.main_language
    if new == old:
        return
    if new not in LANGUAGES:
        raise ShopError(_("Please choose one of the listed languages."))
    for model in (Product, Variant, Category, PolicyPage, ReturnPolicy, FaqCategory, FaqEntry,
                  ChangeNote):
        swap_main_language(db.session.scalars(db.select(model)).all(), old, new)
    for product in db.session.scalars(db.select(Product)).all():
        refresh_search(product)
    settings.main_language = new


def swap_main_language(objects, old, new):
    """Make `new` the main language of these rows: its texts move into the columns and the
    columns' texts become the `old` translation. A field `new` lacks keeps the old text in
    the column too, so nothing a shopper sees goes blank and nothing is lost."""
    for obj in objects:
        limits = FIELDS[type(obj).__name__]
        translations = dict(obj.translations or {})
        incoming = translations.pop(new, {}) or {}
        outgoing = {}
        for field in limits:
            current = getattr(obj, field)
            if current:
                outgoing[field] = current
                for derived in DERIVED.get(field, ()):
                    if derived:
                        outgoing[derived] = getattr(obj, derived)
            if incoming.get(field):
                setattr(obj, field, incoming[field])
                for derived in DERIVED.get(field, ()):
                    if derived:
                        setattr(obj, derived, incoming[derived])
        if outgoing:
            translations[old] = outgoing
        obj.translations = translations
