"""Money: exact minor units, Babel formatting, and the amounts merchants type."""
import pytest

from domain.money import AmountError, Money, currencies, locale_or_none, minor_digits, to_input


def test_krw_has_no_decimals_and_usd_two():
    """A won has no minor unit; a dollar has cents."""
    assert minor_digits("KRW") == 0
    assert minor_digits("USD") == 2


@pytest.mark.parametrize("money, locale, shown", [
    (Money(39000, "KRW"), "en", "₩39,000"),
    (Money(39000, "KRW"), "ko", "₩39,000"),
    (Money(1250, "USD"), "en", "$12.50"),
    (Money(5, "USD"), "en", "$0.05"),
    (Money(123456789, "USD"), "en", "$1,234,567.89"),
])
def test_format_in_english_and_korean(money, locale, shown):
    """Prices read the way shoppers expect in either language."""
    assert money.format(locale) == shown


def test_format_usd_in_korean_keeps_the_cents():
    """A Korean-language visitor sees dollars with cents, marked as US dollars."""
    assert Money(1250, "USD").format("ko") == "US$12.50"


def test_adding_and_subtracting_stay_exact():
    """Ten cents three times is exactly thirty cents, unlike 0.1 + 0.1 + 0.1 in floats."""
    ten = Money(10, "USD")
    assert ten + ten + ten == Money(30, "USD")
    assert Money(1000, "KRW") - Money(1, "KRW") == Money(999, "KRW")
    assert -Money(5, "USD") == Money(-5, "USD")


def test_multiplying_by_a_quantity():
    """A line's total is the unit price times the quantity, from either side."""
    assert Money(1999, "USD") * 3 == Money(5997, "USD")
    assert 3 * Money(1999, "USD") == Money(5997, "USD")


def test_zero_is_falsy_and_other_amounts_truthy():
    """Templates can write 'if discount' to hide a zero discount."""
    assert not Money.zero("KRW")
    assert Money(1, "KRW")


@pytest.mark.parametrize("operation", [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a < b,
    lambda a, b: a >= b,
])
def test_mixing_currencies_raises(operation):
    """Won and dollars are never added or compared as if they were the same unit."""
    with pytest.raises(ValueError, match="KRW and USD"):
        operation(Money(1000, "KRW"), Money(1000, "USD"))


def test_amounts_of_one_currency_compare_by_size():
    """The cheaper of two prices is the smaller amount."""
    assert Money(999, "USD") < Money(1000, "USD")
    assert max(Money(5, "KRW"), Money(7, "KRW")) == Money(7, "KRW")


def test_floats_are_refused_everywhere():
    """No float can become or scale an amount, so no cent is ever lost to binary fractions."""
    with pytest.raises(TypeError):
        Money(12.5, "USD")
    with pytest.raises(TypeError):
        Money(1250, "USD") * 1.5
    with pytest.raises(TypeError):
        Money.parse(12.5, "USD")
    with pytest.raises(TypeError):
        Money(True, "USD")


@pytest.mark.parametrize("amount, bp, expected", [
    (15, 1000, 2),        # 1.5 rounds up
    (14, 1000, 1),        # 1.4 rounds down
    (25, 1000, 3),        # 2.5 rounds up, not to even
    (200, 825, 17),       # 16.5 cents of 8.25 % tax rounds up
    (2499, 825, 206),     # 206.1675
    (-15, 1000, -2),      # refunds round the same way, away from zero
    (10**30 + 5, 1000, 10**29 + 1),  # exact even beyond Decimal's 28 digits
])
def test_percent_bp_rounds_half_up(amount, bp, expected):
    """Rates in basis points round half-up to the minor unit."""
    assert Money(amount, "USD").percent_bp(bp) == Money(expected, "USD")


@pytest.mark.parametrize("text, currency, amount", [
    ("39,000", "KRW", 39000),
    ("39000", "KRW", 39000),
    ("12.50", "USD", 1250),
    ("12.5", "USD", 1250),
    ("12", "USD", 1200),
    (" 1,234.05 ", "USD", 123405),
    ("0", "USD", 0),
])
def test_parse_reads_what_a_merchant_types(text, currency, amount):
    """'39,000' won and '12.50' dollars become exact minor units."""
    assert Money.parse(text, currency) == Money(amount, currency)


def test_parse_in_korean_locale():
    """A merchant using the Korean interface types amounts the same way."""
    assert Money.parse("39,000", "KRW", locale="ko") == Money(39000, "KRW")


@pytest.mark.parametrize("text, currency, reason", [
    ("12.345", "USD", "2 decimal places"),
    # Twelve thousand five hundred where a point groups thousands: never guessed to be 12.50.
    ("12.500", "USD", "2 decimal places"),
    ("1.5", "KRW", "0 decimal places"),
    ("-5", "USD", "negative"),
    ("-0.01", "USD", "negative"),
    ("abc", "USD", ""),
    ("", "USD", ""),
    ("12.5.0", "USD", ""),
    ("1,2,3", "USD", ""),
    ("1e3", "USD", ""),
    ("NaN", "USD", ""),
    ("Infinity", "USD", ""),
    ("$12", "USD", ""),
])
def test_parse_rejects_bad_amounts(text, currency, reason):
    """Too many decimals, negatives and non-numbers are refused with a ValueError, never guessed."""
    with pytest.raises(ValueError, match=reason or None):
        Money.parse(text, currency)


def test_to_input_shows_the_amount_as_typed():
    """A form field shows 1250 cents as '12.50' and 39000 won as '39,000'."""
    assert to_input(1250, "USD") == "12.50"
    assert to_input(5, "USD") == "0.05"
    assert to_input(39000, "KRW") == "39,000"
    assert to_input(None, "USD") == ""


@pytest.mark.parametrize("text, currency, locale, amount", [
    ("4,90", "EUR", "de", 490),
    ("4,90", "EUR", "fr_FR", 490),
    ("4.90", "EUR", "en", 490),
    ("1.234,50", "EUR", "de_DE", 123450),
    ("1 234,50", "EUR", "fr", 123450),        # an ordinary space where French prints a narrow one
    ("1\u202f234,50", "EUR", "fr", 123450),   # what the form itself shows in French
    ("1'234.50", "CHF", "de_CH", 123450),
    ("39,000", "KRW", "en", 39000),
    ("39.000", "KRW", "de", 39000),
    ("4", "JPY", "en", 4),
    ("4.125", "BHD", "en", 4125),
    ("4,125", "BHD", "de", 4125),
])
def test_parse_reads_amounts_the_merchants_locale_writes(text, currency, locale, amount):
    """A German merchant's "4,90" and an English one's "4.90" are both 490 cents."""
    assert Money.parse(text, currency, locale) == Money(amount, currency)


@pytest.mark.parametrize("text, currency, locale, reason", [
    ("4.5", "JPY", "en", "decimals"),        # yen have no minor unit
    ("39,000", "KRW", "de", "decimals"),     # 39 won in German: refused, never guessed
    ("1,234", "EUR", "de", "decimals"),      # 1.234 euros: a decimal too many
    ("4.1255", "BHD", "en", "decimals"),
    ("4,90", "EUR", "en", "unreadable"),     # a misplaced thousands separator in English
    ("4.90", "EUR", "de", "unreadable"),
    ("1_000", "USD", "en", "unreadable"),
    ("١٢", "USD", "en", "unreadable"),
    (".5", "USD", "en", "unreadable"),
])
def test_parse_refuses_what_the_locale_does_not_write(text, currency, locale, reason):
    """Amounts the locale would not write, or with decimals the currency lacks, are refused."""
    with pytest.raises(AmountError) as refused:
        Money.parse(text, currency, locale)
    assert refused.value.reason == reason


@pytest.mark.parametrize("amount, currency, locale, shown", [
    (123450, "EUR", "de", "1.234,50"),
    (490, "EUR", "de", "4,90"),
    (123400, "EUR", "en", "1,234.00"),
    (39000, "KRW", "de", "39.000"),
    (4125, "BHD", "en", "4.125"),
    (400, "JPY", "en", "400"),
    (12345678, "INR", "en_IN", "1,23,456.78"),
])
def test_to_input_writes_the_locale_way_with_every_decimal(amount, currency, locale, shown):
    """Shown back with all the currency's decimals, so "1.234,00" cannot be misread as 1.234."""
    assert to_input(amount, currency, locale) == shown
    assert Money.parse(shown, currency, locale) == Money(amount, currency)


def test_every_currency_babel_knows_today_with_its_minor_unit():
    """About 150 currencies in use, the common ones first; funds, metals and old ones left out."""
    codes = currencies()
    assert codes[:5] == ("KRW", "USD", "EUR", "JPY", "GBP")
    assert len(codes) > 140 and len(set(codes)) == len(codes)
    assert {"BHD", "CHF", "INR", "VND", "BRL"} <= set(codes)
    assert not {"DEM", "XAU", "XTS", "CLF"} & set(codes)
    assert [minor_digits(c) for c in ("JPY", "KRW", "USD", "BHD", "KWD")] == [0, 0, 2, 3, 3]


def test_formatting_uses_the_same_minor_units():
    """A dinar prints with three decimals and a yen with none, as they are typed."""
    assert Money(4125, "BHD").format("en").replace("\xa0", "") == "BHD4.125"
    assert Money(400, "JPY").format("en") == "¥400"
    assert Money(4125, "BHD").as_decimal() == Money.parse("4.125", "BHD").as_decimal()


@pytest.mark.parametrize("tag, locale", [
    ("de-DE", "de_DE"), ("fr", "fr"), ("en_IN", "en_IN"), ("*", None), ("xx-YY", None),
    ("", None), ("de-DE" * 10, None),
])
def test_locale_from_a_browser_language_tag(tag, locale):
    """A browser's language tag names the locale numbers are typed in; nonsense names none."""
    assert locale_or_none(tag) == locale
