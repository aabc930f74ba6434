"""Searching the published questions and answers with the catalogue's engine.

The same rules as product search (domain.catalog): every word of the query must occur, in any
of the shop's languages, in an entry's question or answer. SQLite reads its FTS5 indexes:
faq_fts (trigrams: "return" inside "returns", "배송비" inside "무료배송비") for words of three
characters or more, faq_grams (words, Korean syllables and syllable pairs) for shorter ones.
PostgreSQL reads search_words (every distinct word, case-folded) through its trigram index.
The columns are written by refresh(); triggers on SQLite keep the FTS5 tables in step.

A generated answer (domain.faq.generated) is drawn from the rules at render time, so only its
question is indexed: an index of today's answer would go stale when a rule changes.
"""
from sqlalchemy import literal_column, text
from sqlalchemy.orm import contains_eager

from .. import localized
from ..catalog import search_terms
from ..extensions import db
from ..models import FaqEntry
from ..models import FaqCategory
from ..shopconfig import LANGUAGES
from ..text import plain_text

# A help page lists every answer; a search shows at most this many.
LIMIT = 50
_GRAMS_TEXT = literal_column("(' ' || faq_entry.search_grams || ' ')", db.Text)


def refresh(entry):
    """Put every language's question and answer text in the entry's search columns."""
    texts = [entry.question, "" if entry.generated else plain_text(entry.answer_md)]
    for lang in LANGUAGES:
        values = localized.translation(entry, lang)
        texts.append(values.get("question") or "")
        if not entry.generated:
            texts.append(plain_text(values.get("answer_md") or ""))
    joined = "\n".join(dict.fromkeys(t for t in texts if t))
    entry.search_text = joined
    entry.search_grams = localized.grams(joined)
    entry.search_words = localized.words(joined)


def _fts_available():
    bind = db.session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    cache = bind.__dict__.setdefault("_shop_faq_fts", {})
    if "ok" not in cache:
        with bind.connect() as conn:
            cache["ok"] = conn.execute(text(
                "SELECT count(*) FROM sqlite_master WHERE type='table'"
                " AND name IN ('faq_fts', 'faq_grams')")).scalar() == 2
    return cache["ok"]


def _phrase(term):
    return '"{}"'.format(term.replace('"', '""'))


def _like(term):
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fts_ids(terms):
    long_terms = [t for t in terms if len(t) >= 3]
    short = [_phrase(t.lower()) if localized.is_hangul(t) else _phrase(t.lower()) + "*"
             for t in terms if len(t) < 3]
    parts, params = [], {}
    if long_terms:
        params["match"] = " ".join(_phrase(t) for t in long_terms)
        parts.append("SELECT rowid FROM faq_fts WHERE faq_fts MATCH :match")
    if short:
        params["grams"] = " ".join(short)
        parts.append("SELECT rowid FROM faq_grams WHERE faq_grams MATCH :grams")
    return text(" INTERSECT ".join(parts)).bindparams(**params).columns(rowid=db.Integer)


def _portable_condition(term):
    if len(term) < 3 and localized.is_hangul(term):
        return _GRAMS_TEXT.like(f"% {term} %")
    return FaqEntry.search_words.like(_like(term.casefold()), escape="\\")


def search(q, limit=LIMIT):
    """Published entries (with their categories) containing every word of q, in the page's
    order; [] for a query without words."""
    terms = search_terms(q)
    if not terms:
        return []
    query = (db.select(FaqEntry).join(FaqEntry.category)
             .where(FaqEntry.published.is_(True))
             .order_by(FaqCategory.position, FaqCategory.id, FaqEntry.position, FaqEntry.id)
             .limit(limit))
    if _fts_available():
        query = query.where(FaqEntry.id.in_(_fts_ids(terms)))
    else:
        query = query.where(*[_portable_condition(term) for term in terms])
    return db.session.scalars(query.options(contains_eager(FaqEntry.category))).all()
