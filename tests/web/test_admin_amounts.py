"""Amounts in the back office are typed the way the merchant's browser language writes numbers,
in any currency in use today, with that currency's decimals."""
import re

import pytest

from domain.extensions import db
from domain.models import ShippingMethod, ShopSettings, Variant
from tests.web.test_admin_products import product_form
from tests.web.test_admin_settings import settings_form, shipping_form

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}


def one_variant(price, **fields):
    """The new-product form with one variant at `price`: the second row left blank."""
    blank = {f"variants-1-{name}": "" for name in
             ("sku", "option1", "option2", "price", "compare_at_price", "stock")}
    return product_form(**{"variants-0-price": price, **blank, **fields})


def stored(app, column):
    with app.app_context():
        return db.session.scalar(db.select(column))


def test_german_merchant_types_4_90_euros_and_sees_it_back_the_same_way(client, post, make,
                                                                          merchant, app):
    """"4,90" from a German browser is €4.90: stored as 490 cents and shown back as "4,90"."""
    make.settings(currency="EUR")
    make.product("Tea bowl", variants=[{"sku": "TB-1", "price": 2500, "stock": 5}])
    response = post("/admin/settings/shipping", shipping_form(name="Paket", price="4,90"),
                    headers=GERMAN)
    assert response.status_code == 303
    assert stored(app, ShippingMethod.price) == 490

    settings = client.get("/admin/settings", headers=GERMAN).get_data(as_text=True)
    assert 'value="4,90"' in settings
    assert "Type amounts like 1.234,50." in settings
    assert "€4.90" in client.get("/products/tea-bowl").get_data(as_text=True)


def test_the_same_text_from_an_english_browser_is_refused_not_misread(post, make, merchant, app):
    """"4,90" in English would be a misplaced thousands separator: refused with an example."""
    make.settings(currency="EUR")
    response = post("/admin/settings/shipping", shipping_form(price="4,90"),
                    headers={"Accept-Language": "en-GB"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "“4,90” is not an amount we can read. Write it like 1,234.50" in html
    assert stored(app, ShippingMethod.id) is None


def test_1_234_in_german_is_read_as_german_and_explained(client, post, make, merchant, app):
    """"1,234" euros from a German browser has three decimals: the message says how it was read;
    "1.234" is a thousand and more, shown back as "1.234,00"."""
    make.settings(currency="EUR", free_shipping_threshold=None)
    response = post("/admin/settings", settings_form(currency="EUR", free_shipping_threshold="1,234"),
                    headers=GERMAN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert ("In your number format “,” marks the decimals, so “1,234” has 3 decimal places. "
            "EUR amounts have at most 2 decimal places. Write amounts like 1.234,50.") in html
    assert stored(app, ShopSettings.free_shipping_threshold) is None

    response = post("/admin/settings", settings_form(currency="EUR", free_shipping_threshold="1.234"),
                    headers=GERMAN)
    assert response.status_code == 303
    assert stored(app, ShopSettings.free_shipping_threshold) == 123400
    assert 'value="1.234,00"' in client.get("/admin/settings", headers=GERMAN).get_data(as_text=True)
    assert 'value="1,234.00"' in client.get("/admin/settings").get_data(as_text=True)


def test_39_000_won_in_english_and_german_and_no_decimals_for_yen(post, make, merchant, app):
    """"39,000" won is 39000, and so is "39.000" from a German browser (where "39,000" would be
    39 won and is refused); yen have no minor unit, so "4.5" yen is refused."""
    make.settings(currency="KRW")
    assert post("/admin/products/new", one_variant("39,000")).status_code == 303
    assert post("/admin/products/new", one_variant("39.000", title="Mug", **{
        "variants-0-sku": "MUG-1"}), headers=GERMAN).status_code == 303
    assert post("/admin/products/new", one_variant("39,000", title="Cup", **{
        "variants-0-sku": "CUP-1"}), headers=GERMAN).status_code == 422
    with app.app_context():
        assert db.session.scalars(db.select(Variant.price)).all() == [39000, 39000]

    make.settings(currency="JPY")
    response = post("/admin/products/new", one_variant("4.5", title="Yen mug",
                                                        **{"variants-0-sku": "YEN-1"}))
    assert response.status_code == 422
    assert "JPY amounts have no decimal places." in response.get_data(as_text=True)


def test_a_bahraini_shop_prices_in_fils(client, post, make, merchant, app):
    """BHD is in the currency list; its three decimals are typed, stored and shown."""
    make.settings(currency="KRW")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert re.search(r'<optgroup label="Most used"><option[^>]*value="KRW">KRW · South Korean Won'
                     r'</option><option value="USD">USD · US Dollar</option>', page)
    assert '<option value="BHD">BHD · Bahraini Dinar</option>' in page
    assert post("/admin/settings", settings_form(currency="BHD", free_shipping_threshold="50.500")
                ).status_code == 303
    assert stored(app, ShopSettings.free_shipping_threshold) == 50500

    response = post("/admin/products/new", one_variant("4.125"))
    assert response.status_code == 303
    assert stored(app, Variant.price) == 4125
    assert "BHD4.125" in client.get("/products/linen-apron").get_data(as_text=True).replace("\xa0", "")


@pytest.mark.parametrize("currency, status", [
    ("CHF", 303), ("VND", 303), ("XYZ", 422), ("DEM", 422), ("usd", 422), ("", 422)])
def test_any_currency_in_use_is_taken_and_others_refused(post, make, merchant, app, currency,
                                                         status):
    """Any currency in use today is saved; an unknown, retired or misspelt code is refused
    next to the field and the shop keeps its currency."""
    make.settings(currency="KRW")
    response = post("/admin/settings", settings_form(currency=currency, free_shipping_threshold=""))
    assert response.status_code == status
    if status == 422:
        assert 'id="currency-error" role="alert"' in response.get_data(as_text=True)
    assert stored(app, ShopSettings.currency) == (currency if status == 303 else "KRW")


def test_in_korean_the_currencies_and_the_amount_hints_read_in_korean(client, make, merchant):
    """A Korean-speaking merchant sees currency names and the typing hints in Korean."""
    make.settings(currency="KRW")
    html = client.get("/admin/settings", headers={"Accept-Language": "ko-KR"}).get_data(as_text=True)
    assert '<optgroup label="자주 쓰는 통화">' in html and "KRW · 대한민국 원" in html
    assert "무료 배송이 없으면 비워 두세요. 금액은 39,000처럼 적어 주세요." in html
