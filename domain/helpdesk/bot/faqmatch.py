"""The help page's answer to a chat question, found with the help page's own search.

The help page's search (domain.faq.search) wants every word of a query in an entry; a chat
question has words no entry holds ("how long do I have to return my vase?"). So each of the
question's content words (words.content_terms: no stop words, Korean particles taken off) is
searched on its own, and an entry scores the share of those words it holds. The best entry
answers when it holds at least THRESHOLD of them, ties going to the entry holding more of them
in its question, then to the help page's order.

Why 0.6: with one or two content words every one must be found; with three, two; with four or
five, three. Below that the entry shares only part of what was asked ("do you ship to
Japan by sea freight?" is not answered by "How are the pieces packed?" for the word "ship"),
and a plain "I'm not sure, shall I fetch a person?" serves the shopper better than a
confident wrong answer.
"""
from dataclasses import dataclass

from ... import localized
from ...faq import search as faq_search
from . import words

THRESHOLD = 0.6


@dataclass(frozen=True)
class Match:
    entry: object
    score: float
    terms: tuple


def _question_texts(entry):
    texts = [entry.question]
    for values in (entry.translations or {}).values():
        texts.append((values or {}).get("question") or "")
    return words.normalize(" ".join(texts))


def best_match(text):
    """The published entry answering `text`, or None when none holds enough of its words."""
    terms = words.content_terms(text)
    if not terms:
        return None
    held = {}
    order = {}
    for term in terms:
        for form in words.forms(term):
            for entry in faq_search.search(form):
                order.setdefault(entry.id, len(order))
                found = held.setdefault(entry.id, (entry, []))[1]
                if term not in found:
                    found.append(term)
    if not held:
        return None

    def rank(item):
        entry, found = item
        asked = _question_texts(entry)
        in_question = sum(any(form in asked for form in words.forms(term)) for term in found)
        return (-len(found), -in_question, order[entry.id])

    entry, found = sorted(held.values(), key=rank)[0]
    score = len(found) / len(terms)
    if score < THRESHOLD:
        return None
    return Match(entry, score, tuple(found))


def question(entry, locale):
    """The entry's question as the visitor reads it."""
    return localized.text(entry, "question", locale)


def answer_text(entry, locale):
    """A written entry's answer as plain text in the visitor's language."""
    from ...text import plain_text
    return plain_text(localized.text(entry, "answer_md", locale))
