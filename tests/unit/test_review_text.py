"""What a review keeps of what was typed, and the name shown with it."""
from types import SimpleNamespace

import pytest

from domain.reviews.submit import author_name, plain


@pytest.mark.parametrize("typed, kept", [
    ("  Lovely\r\nglaze  ", "Lovely\nglaze"),
    ("Nice\u202ereversed\u202c text", "Nicereversed text"),
    ("bell\x07 and\x00 null", "bell and null"),
    ("<b>bold</b>", "<b>bold</b>"),
])
def test_text_is_kept_as_typed_without_control_characters(typed, kept):
    """Line breaks stay, control and direction-override characters go, markup stays text."""
    assert plain(typed) == kept


def test_a_title_is_one_line():
    assert plain("Two\nlines\t here", single_line=True) == "Two lines here"


@pytest.mark.parametrize("name, shown", [
    ("Kim Minji", "Kim M."), ("김민아", "김**"), ("Cher", "C***"), ("", ""),
    ("Jean Paul Sartre", "Jean S.")])
def test_only_part_of_the_buyer_s_name_is_shown(name, shown):
    """The first name and the family name's initial, or the first letter of a single word."""
    assert author_name(SimpleNamespace(ship_name=name)) == shown
