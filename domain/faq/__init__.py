"""The shop's questions and answers: what /help shows, the back office's changes, and the
shoppers' "Did this help?" votes.

Answers are Markdown, rendered and sanitised once when saved (domain.text.render_markdown, as
product descriptions are); other languages go through domain.localized. Entries with a
`generated` key take their answer from the shop's rules at render time (generated.py): the
merchant words the question, files and publishes it, but cannot write its answer.
"""
import hashlib

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import localized
from ..errors import NotFound, ShopError
from ..extensions import db
from ..models import FaqCategory, FaqEntry, FaqVote
from ..products import slugify, unique_slug
from ..shopconfig import get_settings_row
from ..text import render_markdown
from . import generated, search
from .search import refresh as refresh_search

MAX_QUESTION = 300
MAX_ANSWER = 10_000
MAX_POSITION = 10_000

# The categories add_generated() files its entries in when the shop has none of that slug,
# named in English and Korean.
GENERATED_CATEGORIES = {"shipping": ("Shipping", "배송"), "returns": ("Returns", "반품")}


class InvalidFaq(ShopError):
    """A question, answer or category the back office cannot save; `errors` maps form fields
    to what is wrong with them. Nothing was changed."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.errors = dict(errors or {})


# Reading -------------------------------------------------------------------------------------

def categories(published_only=True):
    """[(category, entries)] in position order: two queries. The storefront leaves out
    unpublished entries and categories with nothing to show."""
    rows = db.session.scalars(
        db.select(FaqCategory).order_by(FaqCategory.position, FaqCategory.id)
        .options(selectinload(FaqCategory.entries))).all()
    listed = []
    for category in rows:
        entries = [e for e in category.entries if e.published or not published_only]
        if entries or not published_only:
            listed.append((category, entries))
    return listed


def find_entry(entry_id, published_only=True):
    entry = db.session.get(FaqEntry, entry_id)
    if entry is None or (published_only and not entry.published):
        raise NotFound(_("There is no such question."))
    return entry


def missing_generated():
    """The generated answers the shop has no entry for, as keys of generated.ANSWERS."""
    present = set(db.session.scalars(
        db.select(FaqEntry.generated).where(FaqEntry.generated.is_not(None))))
    return [key for key in generated.ANSWERS if key not in present]


# Changes (the back office) ----------------------------------------------------------------------

def _position(value):
    try:
        position = int(value or 0)
    except (TypeError, ValueError):
        position = -1
    if not 0 <= position <= MAX_POSITION:
        message = _("Please enter a position from 0 to %(num)d.", num=MAX_POSITION)
        raise InvalidFaq(message, {"position": message})
    return position


def _translate(obj, translations):
    main = get_settings_row().main_language
    for lang, values in (translations or {}).items():
        if lang != main:
            localized.set_translation(obj, lang, values, main)


def save_category(category, name, position=0, translations=None):
    """Add (category None) or change a category; InvalidFaq without a name."""
    name = (name or "").strip()
    if not name:
        message = _("Please give the category a name.")
        raise InvalidFaq(message, {"name": message})
    if len(name) > 120:
        message = _("Please keep the name to %(num)d characters.", num=120)
        raise InvalidFaq(message, {"name": message})
    position = _position(position)
    if category is None:
        category = FaqCategory(slug=unique_slug(FaqCategory, slugify(name, "questions")))
        db.session.add(category)
    category.name, category.position = name, position
    _translate(category, translations)
    db.session.flush()
    return category


def delete_category(category):
    if category.entries:
        raise InvalidFaq(_("“%(name)s” still has questions: move or delete them first.",
                           name=category.name))
    db.session.delete(category)
    db.session.flush()


def save_entry(entry, *, category_id, question, answer_md="", position=0, published=True,
               translations=None):
    """Add (entry None) or change a question and its answer. A generated entry keeps its
    answer from the rules: answer_md is ignored for it. InvalidFaq for an empty question or
    answer, an unknown category or a text too long; nothing is changed then."""
    question = (question or "").strip()
    answer_md = (answer_md or "").strip()
    errors = {}
    if not question:
        errors["question"] = _("Please write the question.")
    elif len(question) > MAX_QUESTION:
        errors["question"] = _("Please keep the question to %(num)d characters.", num=MAX_QUESTION)
    is_generated = entry is not None and entry.generated
    if not is_generated:
        if not answer_md:
            errors["answer_md"] = _("Please write the answer.")
        elif len(answer_md) > MAX_ANSWER:
            errors["answer_md"] = _("Please keep the answer to %(num)d characters.", num=MAX_ANSWER)
    category = db.session.get(FaqCategory, category_id) if category_id else None
    if category is None:
        errors["category_id"] = _("Please choose a category.")
    if errors:
        raise InvalidFaq(next(iter(errors.values())), errors)
    position = _position(position)
    if entry is None:
        entry = FaqEntry()
        db.session.add(entry)
    entry.category = category
    entry.question, entry.position, entry.published = question, position, bool(published)
    if not is_generated:
        entry.answer_md, entry.answer_html = answer_md, render_markdown(answer_md)
    if is_generated and translations:
        translations = {lang: {k: v for k, v in values.items() if k != "answer_md"}
                        for lang, values in translations.items()}
    _translate(entry, translations)
    refresh_search(entry)
    db.session.flush()
    return entry


def delete_entry(entry):
    db.session.delete(entry)
    db.session.flush()


def add_generated():
    """Add the missing generated answers, published, with their questions in English and
    Korean, filed under the shipping and returns categories (made if the shop has none)."""
    from flask_babel import force_locale
    main = get_settings_row().main_language
    added = []
    for key in missing_generated():
        slug = generated.CATEGORY_OF[key]
        category = db.session.scalar(db.select(FaqCategory).where(FaqCategory.slug == slug))
        if category is None:
            english, korean = GENERATED_CATEGORIES[slug]
            names = {"en": english, "ko": korean}
            category = FaqCategory(slug=slug, name=names[main], position=0)
            db.session.add(category)
            _translate(category, {lang: {"name": name} for lang, name in names.items()})
        wording = generated.ANSWERS[key][0]
        questions = {}
        for lang in ("en", "ko"):
            with force_locale(lang):
                questions[lang] = str(wording)
        last = max((e.position for e in category.entries), default=-1)
        entry = FaqEntry(generated=key, category=category, question=questions[main],
                         answer_md="", answer_html="", position=last + 1, published=True)
        db.session.add(entry)
        _translate(entry, {lang: {"question": q} for lang, q in questions.items()})
        refresh_search(entry)
        added.append(entry)
    db.session.flush()
    return added


# Votes -------------------------------------------------------------------------------------------

def voter_key(token):
    """What a vote stores of the visitor's random token: a digest, so the table holds no
    value that could be replayed as the cookie."""
    return hashlib.sha256(("faq-voter:" + token).encode()).hexdigest()


def _add_to_counts(entry_id, yes=0, no=0):
    # A table-level UPDATE, not the ORM's: see shopconfig.STOREFRONT_MODELS (a vote does not
    # make the cached pages stale) and it adds in the database, so two votes at once both count.
    table = FaqEntry.__table__
    db.session.execute(update(table).where(table.c.id == entry_id).values(
        yes_count=table.c.yes_count + yes, no_count=table.c.no_count + no))


def vote(entry_id, voter, helpful, now):
    """Record a visitor's "Did this help?" for a published entry: one vote per visitor and
    entry. Voting again the same way changes nothing; the other way replaces the first vote
    (its count moves over). Returns the entry."""
    entry = find_entry(entry_id)
    helpful = bool(helpful)
    existing = db.session.scalar(db.select(FaqVote).where(
        FaqVote.entry_id == entry.id, FaqVote.voter == voter))
    if existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(FaqVote(entry_id=entry.id, voter=voter, helpful=helpful,
                                       created_at=now))
        except IntegrityError:
            # The same visitor's other tab voted a moment ago: theirs stands.
            return entry
        _add_to_counts(entry.id, yes=int(helpful), no=int(not helpful))
    elif existing.helpful != helpful:
        existing.helpful, existing.created_at = helpful, now
        _add_to_counts(entry.id, yes=1 if helpful else -1, no=-1 if helpful else 1)
    db.session.flush()
    return entry


__all__ = ["InvalidFaq", "add_generated", "categories", "delete_category", "delete_entry",
           "find_entry", "generated", "missing_generated", "save_category", "save_entry",
           "search", "vote", "voter_key"]
