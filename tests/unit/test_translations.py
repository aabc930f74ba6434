"""Every string a shopper or merchant can see has a Korean translation that fits its slots."""
import os
import re

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.fixture(scope="module")
def current_messages(tmp_path_factory):
    """The messages in the code and templates right now, extracted as `make extract-messages` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "_l",
                                    "-k", "lazy_gettext", "-o", str(pot), "."])
    finally:
        os.chdir(cwd)
    with open(pot, "rb") as fh:
        return [m for m in read_po(fh) if m.id]


def catalogue(lang):
    with open(os.path.join(ROOT, "translations", lang, "LC_MESSAGES", "messages.po"), "rb") as fh:
        return read_po(fh, locale=lang)


def test_extraction_finds_the_shop_strings(current_messages):
    """The check below is not vacuous: the storefront's own words are extracted."""
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in current_messages}
    assert {"Add to cart", "Your cart", "Sold out"} <= ids
    assert len(ids) > 200


def test_every_string_has_a_korean_translation(current_messages):
    """A string added to a page without a Korean translation fails here (run make extract-messages)."""
    ko = catalogue("ko")
    untranslated = []
    for message in current_messages:
        found = ko.get(message.id)
        strings = (found.string if isinstance(found.string, (tuple, list)) else (found.string,)) if found else ()
        if not found or "fuzzy" in found.flags or not all(strings):
            untranslated.append(message.id)
    assert untranslated == []


def test_korean_translations_keep_every_placeholder():
    """'%(name)s' in English must be '%(name)s' in Korean, or the page would crash or lie."""
    broken = []
    for message in catalogue("ko"):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else " ".join(message.id)
        target = message.string if isinstance(message.string, str) else " ".join(message.string)
        if not target.strip():
            continue  # untranslated: reported by the test above
        if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(target)):
            broken.append(message.id)
    assert broken == []


def test_no_message_is_both_a_plain_string_and_a_plural():
    """_("Item") and ngettext("Item", ...) share one catalogue entry: the plain call would get
    the plural's translation and its %(num)d, and the page would fail in Korean."""
    plural = {m.id[0] for m in catalogue("ko") if m.id and not isinstance(m.id, str)}
    plain = {m.id for m in catalogue("ko") if m.id and isinstance(m.id, str)}
    assert plural & plain == set()
