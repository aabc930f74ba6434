"""Exact money: integer minor units and a currency code. Never a float."""
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal
from functools import total_ordering

from babel.numbers import format_currency, get_currency_precision, parse_decimal


@lru_cache(maxsize=4096)
def _format(amount, currency, locale):
    """Babel's formatting is exact but slow; a page shows the same few amounts many times."""
    return format_currency(Money(amount, currency).as_decimal(), currency, locale=locale)


@lru_cache(maxsize=64)
def minor_digits(currency):
    """Decimal places of a currency's minor unit: KRW 0, USD 2, from Babel's CLDR data."""
    return get_currency_precision(currency)


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
        """Read a merchant-typed amount ("39,000" or "12.50") into minor units.

        Raises ValueError when the text is not a plain number (exponents, NaN and misplaced
        group separators included) or has more decimals than the currency; TypeError for a float.
        """
        if isinstance(text, float):
            raise TypeError("pass the amount as typed text, never a float")
        text = str(text).strip()
        # Babel reads "1e3", "NaN" and "Infinity" as numbers; no merchant means those as a price.
        if any(ch.isalpha() for ch in text):
            raise ValueError(f"{text!r} is not an amount")
        # Strict: "1,2,3" is a typo, not 123.
        value = parse_decimal(text, locale=locale, strict=True)
        digits = minor_digits(currency)
        scaled = value.scaleb(digits)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{currency} amounts have {digits} decimal places at most")
        if value < 0:
            raise ValueError("amounts cannot be negative")
        return cls(int(scaled), currency)


def _round_div(numerator, denominator):
    """Integer division rounded half away from zero, exact for any size (integers only)."""
    quotient, remainder = divmod(abs(numerator), abs(denominator))
    if remainder * 2 >= abs(denominator):
        quotient += 1
    return quotient if (numerator < 0) == (denominator < 0) else -quotient


def to_input(amount, currency):
    """Minor units as the plain text a form field shows, e.g. 1250 USD -> '12.50'."""
    if amount is None:
        return ""
    digits = minor_digits(currency)
    return f"{Decimal(amount).scaleb(-digits):.{digits}f}"
