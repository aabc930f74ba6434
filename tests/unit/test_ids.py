"""Ids from outside: only 1..2**63 - 1, the range every table's id column holds."""
import pytest

from domain.ids import MAX_ID, parse_id


@pytest.mark.parametrize("value, expected", [
    ("1", 1), (" 42 ", 42), (7, 7), (str(MAX_ID), MAX_ID), (MAX_ID, MAX_ID)])
def test_an_id_in_range_is_read(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize("value", [
    str(2**63), 2**63, str(2**64), 2**64, "0", 0, "-1", -1, str(-(2**63) - 1), "",
    None, "1.5", "1e3", "0x10", "²", "١٢", "+5", True, 3.0, "9" * 400])
def test_anything_else_is_no_id(value):
    """Out of range, not a whole number, or digits of another script: no id at all."""
    assert parse_id(value) is None
