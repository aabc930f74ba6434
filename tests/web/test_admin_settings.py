"""Settings, shipping methods, categories and the dashboard, as the storefront shows them."""
import pytest

from domain.extensions import db
from domain.models import ShippingMethod, ShopSettings


def settings_form(**overrides):
    data = {
        "name": "Hanji Studio", "tagline": "Paper goods from Jeonju", "email": "hello@hanji.example",
        "phone": "+82 2 1234 5678", "hours": "Mon–Fri 10–18", "address": "1 Hanok-ro, Jeonju",
        "currency": "KRW", "tax_rate": "10", "prices_include_tax": "y",
        "free_shipping_threshold": "50,000", "default_region": "Domestic",
        "timezone": "Asia/Seoul", "low_stock_threshold": "5",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def shipping_form(**overrides):
    data = {"name": "Express", "region": "Domestic", "price": "4.50", "days_min": "1",
            "days_max": "2"}
    data.update(overrides)
    return data


def settings_row(app):
    with app.app_context():
        row = db.session.get(ShopSettings, 1)
        return None if row is None else {c.name: getattr(row, c.name)
                                          for c in ShopSettings.__table__.columns}


def test_settings_form_shows_current_values(client, make, merchant):
    make.settings(currency="USD", tax_rate_bp=825, free_shipping_threshold=5000, name="Mug Co")
    html = client.get("/admin/settings").get_data(as_text=True)
    assert 'value="Mug Co"' in html
    assert 'value="8.25"' in html
    assert 'value="50.00"' in html
    assert '<option selected value="USD">USD · US Dollar</option>' in html
    for field in ("name", "currency", "tax_rate", "timezone", "low_stock_threshold"):
        assert f'<label for="{field}">' in html


def test_currency_and_tax_change_shows_on_the_storefront_at_once(client, post, make, merchant, app):
    """Switching to USD with 8.25 % tax on top changes the product page on the next request."""
    make.settings(currency="KRW", tax_rate_bp=1000)
    make.product("Blue mug", variants=[{"sku": "M-1", "price": 1250, "stock": 5}])
    assert "₩1,250" in client.get("/products/blue-mug").get_data(as_text=True)

    response = post("/admin/settings", settings_form(
        name="Mug Co", currency="USD", tax_rate="8.25", prices_include_tax=None,
        free_shipping_threshold="100.00"))
    assert response.status_code == 303

    page = client.get("/products/blue-mug").get_data(as_text=True)
    assert "$12.50" in page
    assert "Tax (8.25 %)" in page
    assert "Mug Co" in page
    assert "hello@hanji.example" in page  # the footer's contact details
    row = settings_row(app)
    assert (row["currency"], row["tax_rate_bp"], row["prices_include_tax"],
            row["free_shipping_threshold"]) == ("USD", 825, False, 10000)


def test_tax_included_prices_are_labelled_so(client, post, make, merchant):
    make.product("Blue mug", variants=[{"sku": "M-1", "price": 11000, "stock": 5}])
    assert post("/admin/settings", settings_form()).status_code == 303
    page = client.get("/products/blue-mug").get_data(as_text=True)
    assert "Tax included (10 %)" in page
    assert "₩11,000" in page


@pytest.mark.parametrize("field, value, message", [
    ("tax_rate", "ten", "Enter a tax rate from 0 to 100"),
    ("tax_rate", "120", "Enter a tax rate from 0 to 100"),
    ("tax_rate", "8.125", "Enter a tax rate from 0 to 100"),
    ("free_shipping_threshold", "50,000.5", "KRW amounts have no decimal places"),
    ("timezone", "Mars/Olympus", "Enter a time zone"),
    ("email", "not-an-email", "Please enter an email address"),
    ("name", "", "This field is required."),
    ("ship_countries", "South Korea\n" + "Republic of " * 6, "Please keep each country to 60"),
])
def test_bad_settings_are_refused_with_a_message(client, post, make, merchant, app, field, value, message):
    """Each bad value gets a 422 with the message next to its field, and nothing is saved."""
    make.settings(name="Mug Co", currency="USD")
    before = settings_row(app)
    response = post("/admin/settings", settings_form(**{field: value}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error" role="alert"' in html
    assert settings_row(app) == before
    assert "Mug Co" in client.get("/").get_data(as_text=True)


def test_blank_free_shipping_threshold_means_none(post, make, merchant, app):
    make.settings(free_shipping_threshold=5000)
    assert post("/admin/settings", settings_form(free_shipping_threshold="")).status_code == 303
    assert settings_row(app)["free_shipping_threshold"] is None


def test_the_countries_shipped_to_are_kept_one_a_line_without_repeats(client, post, make, merchant,
                                                                      app):
    """Blank lines and a repeat in other letters are dropped; a form without the field (an older
    page) leaves the list alone; an empty one clears it."""
    form = settings_form(ship_countries="South Korea\r\n\r\n  south  KOREA \r\nJapan")
    assert post("/admin/settings", form).status_code == 303
    assert settings_row(app)["ship_countries"] == ["South Korea", "Japan"]
    assert "South Korea\nJapan</textarea>" in client.get("/admin/settings").get_data(as_text=True)
    assert post("/admin/settings", settings_form()).status_code == 303
    assert settings_row(app)["ship_countries"] == ["South Korea", "Japan"]
    assert post("/admin/settings", settings_form(ship_countries="")).status_code == 303
    assert settings_row(app)["ship_countries"] == []


def test_settings_post_without_csrf_is_refused(client, make, merchant, app):
    make.settings(name="Mug Co")
    response = client.post("/admin/settings", data=settings_form(name="Forged"))
    assert response.status_code == 400
    assert settings_row(app)["name"] == "Mug Co"


def test_shipping_method_added_edited_and_deactivated(client, post, make, merchant, app):
    """A method appears in the shop's breakdown once added, changes when edited and goes when stopped."""
    make.settings(currency="USD")
    make.product("Blue mug", variants=[{"sku": "M-1", "price": 1250, "stock": 5}])

    assert post("/admin/settings/shipping", shipping_form()).status_code == 303
    page = client.get("/products/blue-mug").get_data(as_text=True)
    assert "Express" in page and "$4.50" in page
    with app.app_context():
        method_id = db.session.scalar(db.select(ShippingMethod.id))

    response = post(f"/admin/settings/shipping/{method_id}", shipping_form(
        name="Express courier", price="6", days_min="2", days_max="3"))
    assert response.status_code == 303
    page = client.get("/products/blue-mug").get_data(as_text=True)
    assert "Express courier" in page and "$6.00" in page

    stopped = post(f"/admin/settings/shipping/{method_id}/active", {"active": "0"},
                   follow_redirects=True).get_data(as_text=True)
    assert "“Express courier” is no longer offered at checkout." in stopped
    assert "Not offered" in stopped and "Offer again" in stopped
    assert "Express courier" not in client.get("/products/blue-mug").get_data(as_text=True)

    assert post(f"/admin/settings/shipping/{method_id}/active", {"active": "1"}).status_code == 303
    assert "Express courier" in client.get("/products/blue-mug").get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("price", "free", "is not an amount we can read"),
    ("price", "", "Enter a price; 0 for free shipping."),
    ("days_max", "0", "cannot be shorter than the shortest"),
    ("name", "", "This field is required."),
])
def test_bad_shipping_method_is_refused(post, merchant, app, field, value, message):
    response = post("/admin/settings/shipping", shipping_form(**{field: value}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="new-method-{field}-error"' in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ShippingMethod.id))) == 0


def test_bad_edit_of_a_shipping_method_keeps_it(post, make, merchant, app):
    method_id = make.shipping("Standard", price=300)
    response = post(f"/admin/settings/shipping/{method_id}", shipping_form(price="-3"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="method-{method_id}-price-error"' in html
    assert "<details class=\"method\" open>" in html
    with app.app_context():
        method = db.session.get(ShippingMethod, method_id)
        assert (method.name, method.price) == ("Standard", 300)


def test_categories_created_renamed_and_reordered_show_in_the_shop_menu(client, post, make, merchant):
    """A new category is in the shop's menu at once; renaming and reordering show there too."""
    make.category("Mugs", position=1)
    assert post("/admin/categories", {"name": "Aprons", "position": "2"}).status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert home.index(">Mugs</a>") < home.index(">Aprons</a>")
    aprons = client.get("/c/aprons")
    assert aprons.status_code == 200

    admin = client.get("/admin/categories").get_data(as_text=True)
    assert 'for="category-2-name"' in admin and 'for="new-category-name"' in admin
    assert post("/admin/categories/2", {"name": "Linen aprons", "position": "0"}).status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert home.index(">Linen aprons</a>") < home.index(">Mugs</a>")
    assert "Linen aprons" in client.get("/c/aprons").get_data(as_text=True)  # same address


def test_category_without_a_name_is_refused(client, post, make, merchant):
    make.category("Mugs")
    response = post("/admin/categories/1", {"name": " ", "position": "0"})
    assert response.status_code == 422
    assert 'id="category-1-name-error"' in response.get_data(as_text=True)
    assert ">Mugs</a>" in client.get("/").get_data(as_text=True)


def test_new_category_is_offered_in_the_product_form(client, post, merchant):
    post("/admin/categories", {"name": "Aprons", "position": "0"})
    assert ">Aprons</option>" in client.get("/admin/products/new").get_data(as_text=True)


def test_dashboard_counts_products_and_lists_low_stock(client, make, merchant):
    """Counts by status, variants at or below the threshold, and a warning without shipping."""
    make.settings(low_stock_threshold=3)
    make.product("Plenty mug", variants=[{"sku": "P-1", "price": 100, "stock": 50}])
    make.product("Last apron", variants=[{"sku": "A-1", "price": 100, "stock": 2, "option1": "Small"}])
    make.product("Sold out vase", variants=[{"sku": "V-1", "price": 100, "stock": 0}])
    make.product("Draft bowl", status="draft", variants=[{"sku": "B-1", "price": 100, "stock": 20}])
    make.product("Old cup", status="archived", variants=[{"sku": "C-1", "price": 100, "stock": 0}])
    html = client.get("/admin/").get_data(as_text=True)
    assert "<strong>3</strong> active" in html
    assert "<strong>1</strong> draft" in html
    assert "<strong>1</strong> archived" in html
    low = html.split('id="low-heading"', 1)[1]
    assert "Last apron" in low and "Small" in low and "A-1" in low
    assert "Sold out vase" in low
    assert "Plenty mug" not in low and "Old cup" not in low
    assert "No shipping method is set up" in html


def test_dashboard_warning_goes_once_shipping_is_configured(client, make, merchant):
    make.shipping("Standard")
    html = client.get("/admin/").get_data(as_text=True)
    assert "No shipping method is set up" not in html
    assert "Every variant has more than" in html
