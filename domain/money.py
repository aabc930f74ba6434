"""Exact money: integer minor units and a currency code. Never a float.

Every currency of ISO 4217 in use today is known, with its minor unit from Babel's CLDR data:
the same source formats amounts (format_currency), reads typed ones (Money.parse) and fills
form fields (to_input), so a won never gains decimals on the way and a dinar keeps its three.
"""
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache, total_ordering

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import (NumberFormatError, format_currency, format_decimal,
                           get_currency_precision, get_decimal_symbol, get_group_symbol,
                           get_territory_currencies, parse_decimal)

# Shown first wherever a currency is picked: the ones this shop's merchants use most.
COMMON_CURRENCIES = ("KRW", "USD", "EUR", "JPY", "GBP")
# Spaces a person may type between thousands where the locale groups with a space.
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]+")


@lru_cache(maxsize=4096)
def _format(amount, currency, locale):
    """Babel's formatting is exact but slow; a page shows the same few amounts many times."""
    return format_currency(Money(amount, currency).as_decimal(), currency, locale=locale)


@lru_cache(maxsize=512)
def minor_digits(currency):
    """Decimal places of a currency's minor unit: KRW 0, USD 2, BHD 3, from Babel's CLDR data."""
    return get_currency_precision(currency)


@lru_cache(maxsize=1)
def currencies():
    """The ISO 4217 codes legal tender somewhere today, by Babel's CLDR data (about 150):
    the common ones first, then the rest alphabetically. Old ones (DEM), funds (CLF), metals
    (XAU) and the test code (XTS) are left out."""
    codes = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, tender=True))
    return COMMON_CURRENCIES + tuple(sorted(codes - set(COMMON_CURRENCIES)))


def is_currency(code):
    return code in currencies()


class AmountError(ValueError):
    """Text that is not an amount in a currency. `reason` says why: "unreadable",
    "decimals" (more decimal places than the currency has; `typed` of them) or "negative"."""

    def __init__(self, message, reason, typed=0):
        super().__init__(message)
        self.reason, self.typed = reason, typed


def number_symbols(locale):
    """(decimal sign, thousands separator) of a locale: ('.', ',') in English, (',', '.') in
    German."""
    return get_decimal_symbol(locale), get_group_symbol(locale)


def _input_pattern(locale, digits):
    """The locale's own number pattern (its grouping: 1,23,456 in India) with exactly `digits`
    decimals, so an amount reads back the way Money.parse reads it."""
    whole = Locale.parse(locale).decimal_formats[None].pattern.split(";")[0].split(".")[0]
    return whole + ("." + "0" * digits if digits else "")


@total_ordering
@dataclass(frozen=True)
class Money:
    amount: int
    currency: str

    def __post_init__(self):
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError(f"Money amount must be an int of minor units, got {self.amount!r}")

    def _same(self, other):
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")
        return other

    def __add__(self, other):
        other = self._same(other)
        return other if other is NotImplemented else Money(self.amount + other.amount, self.currency)

    def __sub__(self, other):
        other = self._same(other)
        return other if other is NotImplemented else Money(self.amount - other.amount, self.currency)

    def __mul__(self, qty):
        if not isinstance(qty, int):
            raise TypeError("multiply money by a whole quantity; use Money.percent_bp for rates")
        return Money(self.amount * qty, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other):
        # Comparing won with dollars by their numbers would be meaningless, so it raises too.
        other = self._same(other)
        return other if other is NotImplemented else self.amount < other.amount

    def __neg__(self):
        return Money(-self.amount, self.currency)

    def __bool__(self):
        return self.amount != 0

    def percent_bp(self, basis_points):
        """This amount times basis_points/10000, rounded half-up to the minor unit."""
        return Money(_round_div(self.amount * basis_points, 10000), self.currency)

    def as_decimal(self):
        return Decimal(self.amount).scaleb(-minor_digits(self.currency))

    def format(self, locale="en"):
        return _format(self.amount, self.currency, str(locale))

    @classmethod
    def zero(cls, currency):
        return cls(0, currency)

    @classmethod
    def parse(cls, text, currency, locale="en"):
        """Read a merchant-typed amount into minor units, the way the merchant's locale writes
        numbers: "4,90" euros in German and "4.90" in English are 490 cents, "39,000" won in
        English is 39000 and "39.000" in German too.

        Strict (Babel's parse_decimal): misplaced separators ("1,2,3", "4,90" in English) are
        refused, not guessed. So are more decimal places than the currency has, even zeros:
        "39,000" won in German would be 39 won, and "12.500" dollars is twelve thousand five
        hundred to half of Europe. Raises AmountError (a ValueError) for text that is not an
        amount, TypeError for a float.
        """
        if isinstance(text, float):
            raise TypeError("pass the amount as typed text, never a float")
        text = str(text).strip()
        decimal_sign, group_sign = number_symbols(locale)
        if _SPACES.fullmatch(group_sign):
            # "1 234,50" typed with an ordinary space where French writes a narrow one.
            text = _SPACES.sub(group_sign, text)
        elif group_sign in "’'" and "'" in text:
            text = text.replace("'", group_sign)  # Swiss "1'234.50" typed without the curly one
        negative = text.startswith("-")
        digits_part = text[1:] if negative else text
        # Only digits and the locale's two signs: Babel (and Decimal) would also take "1e3",
        # "NaN", "1_000" and digits of other scripts, which no merchant means as a price.
        allowed = set("0123456789") | {decimal_sign, group_sign}
        if not digits_part or not set(digits_part) <= allowed or not digits_part[0].isdigit():
            raise AmountError(f"{text!r} is not an amount", "unreadable")
        try:
            value = parse_decimal(digits_part, locale=locale, strict=True)
        except (NumberFormatError, InvalidOperation):
            raise AmountError(f"{text!r} is not an amount in locale {locale}", "unreadable")
        if negative:
            raise AmountError("amounts cannot be negative", "negative")
        digits = minor_digits(currency)
        typed = len(digits_part.rpartition(decimal_sign)[2]) if decimal_sign in digits_part else 0
        if typed > digits:
            raise AmountError(f"{currency} amounts have {digits} decimal places at most",
                              "decimals", typed)
        return cls(int(value.scaleb(digits)), currency)


def _round_div(numerator, denominator):
    """Integer division rounded half away from zero, exact for any size (integers only)."""
    quotient, remainder = divmod(abs(numerator), abs(denominator))
    if remainder * 2 >= abs(denominator):
        quotient += 1
    return quotient if (numerator < 0) == (denominator < 0) else -quotient


def to_input(amount, currency, locale="en"):
    """Minor units as a form field shows them, written the locale's way with every decimal of
    the currency, so which sign is the decimal one is never in doubt: 123450 USD is '1,234.50'
    in English and 123450 EUR '1.234,50' in German; 39000 KRW is '39,000'."""
    if amount is None:
        return ""
    digits = minor_digits(currency)
    return format_decimal(Decimal(amount).scaleb(-digits), _input_pattern(locale, digits),
                          locale=locale)


def to_plain(amount, currency):
    """Minor units as plain machine-readable text, for files rather than people: 1250 USD is
    '12.50', 39000 KRW '39000' (no grouping, a point for decimals, as Shopify's CSV has them)."""
    if amount is None:
        return ""
    digits = minor_digits(currency)
    return f"{Decimal(amount).scaleb(-digits):.{digits}f}"


def amount_example(currency, locale="en"):
    """How an amount is typed in this currency and locale, for hints and messages: '39,000'
    won, '1,234.50' dollars in English, '1.234,50' euros in German."""
    digits = minor_digits(currency)
    example = 39000 if digits == 0 else 123450 * 10 ** (digits - 2)
    return to_input(example, currency, locale)


def locale_or_none(tag):
    """The Babel locale a language tag names ("de-DE", "fr", "en_IN"), or None."""
    tag = (tag or "").strip()
    if not tag or len(tag) > 20 or tag == "*":
        return None
    try:
        return str(Locale.parse(tag.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
