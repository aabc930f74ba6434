"""Row ids as they arrive from outside (a URL, a form): every table's id fits a signed 64-bit
integer, so anything outside 1..MAX_ID names no row and must not reach the database, which
cannot hold it (SQLite raises OverflowError, PostgreSQL an out-of-range error)."""
import re

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value):
    """The id `value` spells (an int or its decimal digits), or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None
