"""The shop's questions and answers (/help): categories, entries and the shoppers' votes.

Texts follow the catalogue's rule (domain.localized): the columns hold the shop's main
language, `translations` the others ({"ko": {"question": …, "answer_md": …, "answer_html": …}}).
"""
from ..extensions import db
from .base import UTCDateTime, utcnow


class FaqCategory(db.Model):
    __tablename__ = "faq_category"
    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(120), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)
    translations = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")

    # A topic with questions is never deleted (ondelete RESTRICT; domain.faq says why): the
    # ORM leaves its rows to the database rather than emptying their category_id.
    entries = db.relationship("FaqEntry", back_populates="category", passive_deletes="all",
                              order_by="(FaqEntry.position, FaqEntry.id)")


class FaqEntry(db.Model):
    __tablename__ = "faq_entry"
    id = db.Column(db.Integer, primary_key=True)
    category_id = db.Column(db.Integer, db.ForeignKey("faq_category.id", ondelete="RESTRICT"),
                            nullable=False, index=True)
    question = db.Column(db.String(300), nullable=False)
    answer_md = db.Column(db.Text, nullable=False, default="")
    # domain.text.render_markdown(answer_md): sanitised once when saved, never per view.
    answer_html = db.Column(db.Text, nullable=False, default="")
    translations = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    position = db.Column(db.Integer, nullable=False, default=0)
    published = db.Column(db.Boolean, nullable=False, default=True)
    # A key of domain.faq.generated.ANSWERS: the answer is drawn from the shop's rules when the
    # page is rendered, and answer_md is unused. Unique: one entry per generated answer.
    generated = db.Column(db.String(40), nullable=True, unique=True)
    yes_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    no_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # What search reads (domain.faq.search): every language's question and answer text; the
    # SQLite FTS5 tables faq_fts and faq_grams are kept in step by triggers, PostgreSQL reads
    # search_words through a trigram index.
    search_text = db.Column(db.Text, nullable=False, default="", server_default="")
    search_grams = db.Column(db.Text, nullable=False, default="", server_default="")
    search_words = db.Column(db.Text, nullable=False, default="", server_default="")
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    category = db.relationship("FaqCategory", back_populates="entries")


class FaqVote(db.Model):
    """One visitor's "Did this help?" answer for an entry. `voter` is a digest of a random
    token kept in the visitor's own session cookie: tied to no account or address."""

    __tablename__ = "faq_vote"
    __table_args__ = (db.UniqueConstraint("entry_id", "voter", name="uq_faq_vote_voter"),)
    id = db.Column(db.Integer, primary_key=True)
    entry_id = db.Column(db.Integer, db.ForeignKey("faq_entry.id", ondelete="CASCADE"),
                         nullable=False)
    voter = db.Column(db.String(64), nullable=False)
    helpful = db.Column(db.Boolean, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
