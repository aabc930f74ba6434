"""Korean business information: the registration number is checked by its check digit, and
saving the settings keeps nothing when one field is wrong."""
import pytest

from domain import business, settings, shopconfig
from domain.errors import ShopError
from domain.extensions import db


@pytest.mark.parametrize("typed, stored", [
    ("220-81-62517", "2208162517"), ("2208162517", "2208162517"), (" 124 81 00998 ", "1248100998"),
    ("", ""),
])
def test_valid_numbers_are_stored_as_ten_digits(typed, stored):
    """Dashes and spaces as printed or typed; a blank field means none."""
    assert business.parse_registration_number(typed) == stored


def test_a_wrong_check_digit_is_refused_with_the_number_and_what_to_do():
    """One digit mistyped: the message names the number and says to copy it again."""
    with pytest.raises(ShopError) as refused:
        business.parse_registration_number("220-81-62518")
    message = str(refused.value)
    assert "220-81-62518 is not a valid business registration number" in message
    assert "copy it again from your registration certificate" in message


@pytest.mark.parametrize("typed", ["220-81-6251", "220-81-625170", "22O-81-62517", "abc"])
def test_anything_but_ten_digits_is_refused(typed):
    with pytest.raises(ShopError, match="has 10 digits, written like 123-45-67890"):
        business.parse_registration_number(typed)


def test_every_check_digit_but_the_right_one_is_refused():
    """The check is not vacuous: of the ten possible last digits, exactly one passes."""
    passing = []
    for last in "0123456789":
        try:
            business.parse_registration_number("124-81-0099" + last)
            passing.append(last)
        except ShopError:
            pass
    assert passing == ["8"]


def test_the_fair_trade_commission_link_carries_the_ten_digits():
    info = business.BusinessInfo(name="네이버", registration_number="2208162517")
    assert info.registration_display == "220-81-62517"
    assert info.ftc_url == "https://www.ftc.go.kr/bizCommPop.do?wrkr_no=2208162517"
    assert business.BusinessInfo().ftc_url is None and not business.BusinessInfo().shown


def save(**business_values):
    return settings.save_settings(
        name="Moonjar Studio", currency="KRW", tax_rate="10", prices_include_tax=True,
        free_shipping_threshold="", low_stock_threshold=5, default_region="Domestic",
        timezone="Asia/Seoul", **business_values)


def test_saving_the_settings_stores_the_business_information(ctx):
    save(business_name=" 달항아리  공방 ", business_representative="김민지",
         business_registration_number="220-81-62517", mail_order_number="제2026-서울종로-0123호",
         hosting_provider="Example Cloud Korea")
    db.session.commit()
    info = shopconfig.load().business
    assert info == business.BusinessInfo("달항아리 공방", "김민지", "2208162517",
                                         "제2026-서울종로-0123호", "Example Cloud Korea")


def test_a_bad_registration_number_saves_nothing(ctx):
    """The error is keyed to its field; the shop's name typed on the same form is not kept."""
    save(business_name="달항아리 공방")
    db.session.commit()
    with pytest.raises(settings.InvalidSettings) as refused:
        settings.save_settings(
            name="Renamed", currency="KRW", tax_rate="10", prices_include_tax=True,
            free_shipping_threshold="", low_stock_threshold=5, default_region="Domestic",
            timezone="Asia/Seoul", business_registration_number="220-81-62518")
    assert list(refused.value.errors) == ["business_registration_number"]
    db.session.rollback()
    config = shopconfig.load()
    assert config.name == "Moonjar Studio" and config.business.registration_number == ""


def test_business_fields_left_out_keep_their_values(ctx):
    """An older form without the fieldset does not wipe what was saved."""
    save(business_name="달항아리 공방", business_registration_number="2208162517")
    save()
    db.session.commit()
    info = shopconfig.load().business
    assert (info.name, info.registration_number) == ("달항아리 공방", "2208162517")
