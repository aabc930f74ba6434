"""The merchant's product pages: list, create, edit, preview, archive."""
import re

from domain.extensions import db
from domain.models import Product, Variant


def product_form(**overrides):
    """What a merchant types into the new-product form: an apron in two sizes."""
    data = {
        "title": "Linen apron", "summary": "A sturdy apron for the kitchen.", "category_id": "",
        "status": "active", "featured_position": "0", "vendor": "Hanji Studio",
        "product_type": "Apron", "tags": "Kitchen, gift", "option1_name": "Size",
        "option2_name": "", "specs": "Material: linen\nCare: machine wash cold",
        "description_md": "Soft **washed** linen.",
        "variants-0-id": "", "variants-0-sku": "APR-S", "variants-0-option1": "Small",
        "variants-0-option2": "", "variants-0-price": "39,000", "variants-0-compare_at_price": "",
        "variants-0-stock": "5",
        "variants-1-id": "", "variants-1-sku": "APR-L", "variants-1-option1": "Large",
        "variants-1-option2": "", "variants-1-price": "41,000",
        "variants-1-compare_at_price": "45,000", "variants-1-stock": "2",
        "variants-2-id": "", "variants-2-sku": "", "variants-2-option1": "", "variants-2-option2": "",
        "variants-2-price": "", "variants-2-compare_at_price": "", "variants-2-stock": "",
    }
    data.update(overrides)
    return data


def count_products(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Product.id)))


def test_merchant_creates_a_product_with_two_variants_seen_in_the_shop(client, post, make, merchant, app):
    """A new product with two sizes is for sale at once, priced as typed, with its specs."""
    make.settings(currency="KRW")
    category = make.category("Kitchen")
    response = post("/admin/products/new", product_form(category_id=str(category["id"])))
    assert response.status_code == 303
    assert re.fullmatch(r"/admin/products/\d+/edit", response.headers["Location"])

    page = client.get("/products/linen-apron")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Linen apron" in html
    assert "₩39,000" in html and "₩41,000" in html
    assert "Small" in html and "Large" in html
    assert "<strong>washed</strong>" in html
    assert "Material" in html and "linen" in html
    assert "Kitchen" in html  # the category in the breadcrumb

    with app.app_context():
        product = db.session.scalar(db.select(Product).where(Product.slug == "linen-apron"))
        assert [(v.sku, v.price, v.compare_at_price, v.stock) for v in product.variants] == [
            ("APR-S", 39000, None, 5), ("APR-L", 41000, 45000, 2)]
        assert product.tags == "kitchen, gift"
        assert product.specs == [["Material", "linen"], ["Care", "machine wash cold"]]


def test_edit_form_shows_prices_as_typed_and_saves_changes(client, post, make, merchant, app):
    """The edit form shows 12.50 for a USD price; changing it updates the shop, keeping the variant."""
    product = make.product("Blue mug", variants=[{"sku": "MUG-1", "price": 1250, "stock": 3}])
    url = f"/admin/products/{product['id']}/edit"
    html = client.get(url).get_data(as_text=True)
    assert 'value="12.50"' in html
    assert 'value="MUG-1"' in html
    assert html.count('class="variant-row"') == 4  # the variant and three empty rows

    variant_id = str(product["variant_ids"][0])
    response = post(url, product_form(**{
        "title": "Blue mug", "variants-0-id": variant_id, "variants-0-sku": "MUG-1",
        "variants-0-option1": "", "variants-0-price": "14.00", "variants-0-stock": "7",
        "variants-1-sku": "", "variants-1-option1": "", "variants-1-price": "",
        "variants-1-compare_at_price": "", "variants-1-stock": "", "option1_name": ""}))
    assert response.status_code == 303
    assert "$14.00" in client.get("/products/blue-mug").get_data(as_text=True)
    with app.app_context():
        variants = db.session.scalars(db.select(Variant)).all()
        assert [(v.id, v.price, v.stock) for v in variants] == [(int(variant_id), 1400, 7)]


def test_bad_price_is_refused_with_a_message_and_creates_nothing(client, post, merchant, app):
    """A price of 'abc' gets a 422 naming the problem next to the field; no product is made."""
    response = post("/admin/products/new", product_form(**{"variants-1-price": "abc"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "is not an amount we can read" in html
    assert 'id="variants-1-price-error" role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="abc"' in html  # what the merchant typed is kept
    assert 'value="Linen apron"' in html
    assert count_products(app) == 0
    assert client.get("/products/linen-apron").status_code == 404


def test_too_many_decimals_are_refused(client, post, make, merchant, app):
    """KRW has no minor unit, so 39000.50 is refused rather than rounded."""
    make.settings(currency="KRW")
    response = post("/admin/products/new", product_form(**{"variants-0-price": "39000.50"}))
    assert response.status_code == 422
    assert "KRW amounts have no decimal places" in response.get_data(as_text=True)
    assert count_products(app) == 0


def test_variant_without_price_or_sku_gets_a_field_error(post, merchant, app):
    """A row with a SKU but no price, or options but no SKU, is pointed out rather than dropped."""
    response = post("/admin/products/new", product_form(**{
        "variants-1-price": "", "variants-2-option1": "Medium"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a price" in html
    assert "Enter a SKU for this variant." in html
    assert count_products(app) == 0


def test_a_sku_another_product_has_is_saved_with_a_warning(client, post, make, merchant, app):
    """SKUs are the merchant's labels: one already on another product is kept, and said."""
    make.product("Blue mug", variants=[{"sku": "APR-S", "price": 1000, "stock": 1}])
    response = post("/admin/products/new", product_form())
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "SKU APR-S is also used by “Blue mug”." in page
    assert count_products(app) == 2
    assert client.get("/products/linen-apron").status_code == 200


def test_one_sku_for_every_size_is_saved_with_a_warning(client, post, merchant, app):
    """Stores reuse one SKU across sizes: both sizes are kept, and the page points it out."""
    response = post("/admin/products/new", product_form(**{"variants-1-sku": "APR-S"}))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "SKU APR-S is on 2 variants of this product." in page
    with app.app_context():
        product = db.session.scalar(db.select(Product))
        assert [(v.sku, v.option1) for v in product.variants] == [("APR-S", "Small"),
                                                                  ("APR-S", "Large")]


def test_product_without_variants_is_refused(post, merchant, app):
    """Every row left empty: the merchant is told a product needs a variant."""
    blanks = {f"variants-{i}-{name}": "" for i in range(3)
              for name in ("sku", "option1", "price", "compare_at_price", "stock")}
    response = post("/admin/products/new", product_form(**blanks))
    assert response.status_code == 422
    assert "at least one variant" in response.get_data(as_text=True)
    assert count_products(app) == 0


def test_draft_product_is_hidden_from_the_shop(client, post, merchant):
    assert post("/admin/products/new", product_form(status="draft")).status_code == 303
    assert client.get("/products/linen-apron").status_code == 404


def test_archive_hides_product_from_the_shop(client, post, make, merchant):
    """After archiving, the product page is 404 and it leaves listings; the admin still has it."""
    product = make.product("Blue mug")
    assert client.get("/products/blue-mug").status_code == 200
    response = post(f"/admin/products/{product['id']}/archive", {})
    assert response.status_code == 303
    assert client.get("/products/blue-mug").status_code == 404
    assert "Blue mug" not in client.get("/search?q=mug").get_data(as_text=True)
    edit = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Archived: hidden from the shop" in edit
    assert "Archive this product" not in edit


def test_archived_product_can_be_sold_again(client, post, make, merchant):
    product = make.product("Blue mug", variants=[{"sku": "M-1", "price": 1000, "stock": 1}])
    post(f"/admin/products/{product['id']}/archive", {})
    response = post(f"/admin/products/{product['id']}/edit", product_form(**{
        "title": "Blue mug", "status": "active", "variants-0-id": str(product["variant_ids"][0]),
        "variants-0-sku": "M-1", "variants-0-price": "10", "variants-1-sku": "",
        "variants-1-option1": "", "variants-1-price": "", "variants-1-compare_at_price": "",
        "variants-1-stock": ""}))
    assert response.status_code == 303
    assert client.get("/products/blue-mug").status_code == 200


def test_markdown_preview_renders_bold_and_makes_scripts_inert(client, merchant):
    """The live preview (an htmx POST) returns the sanitised HTML shoppers would see."""
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/admin/products/new").get_data(as_text=True)).group(1)
    response = client.post("/admin/products/preview", headers={
        "HX-Request": "true", "X-CSRFToken": token},
        data={"description_md": "**bold** move\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2))"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, never run
    assert 'href="javascript' not in html
    assert html.lstrip().startswith('<section id="description-preview"')
    assert "<form" not in html  # only the preview fragment
    assert "HX-Request" in response.headers["Vary"]


def test_preview_without_javascript_shows_the_form_with_the_preview(client, post, merchant, app):
    """The Preview button without htmx shows the whole form again, unsaved, with the preview."""
    response = post("/admin/products/preview", product_form(description_md="Hello **world**"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>world</strong>" in html
    assert 'value="Linen apron"' in html
    assert count_products(app) == 0


def test_post_without_csrf_token_is_refused_and_changes_nothing(client, merchant, app):
    """A forged form (no CSRF token) gets 400 and no product; the preview needs the token too."""
    response = client.post("/admin/products/new", data=product_form())
    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True)
    assert count_products(app) == 0
    preview = client.post("/admin/products/preview", data={"description_md": "**x**"},
                          headers={"HX-Request": "true"})
    assert preview.status_code == 400


def test_archive_without_csrf_token_is_refused(client, make, merchant):
    product = make.product("Blue mug")
    assert client.post(f"/admin/products/{product['id']}/archive").status_code == 400
    assert client.get("/products/blue-mug").status_code == 200


def test_product_list_searches_title_and_sku_and_shows_stock(client, make, merchant):
    """The list finds products by title or SKU, shows stock, and the htmx search swaps results."""
    make.product("Blue mug", variants=[{"sku": "MUG-BLUE", "price": 1000, "stock": 4}])
    make.product("Linen apron", variants=[{"sku": "APR-1", "price": 2000, "stock": 9}])
    html = client.get("/admin/products").get_data(as_text=True)
    assert "Blue mug" in html and "Linen apron" in html
    assert 'for="admin-q"' in html and 'class="table-scroll"' in html
    assert "<caption>" in html and 'scope="col">Stock</th>' in html

    by_title = client.get("/admin/products?q=apron").get_data(as_text=True)
    assert "Linen apron" in by_title and "Blue mug" not in by_title
    by_sku = client.get("/admin/products?q=mug-bl").get_data(as_text=True)
    assert "Blue mug" in by_sku and "Linen apron" not in by_sku
    assert re.search(r'>4</td>', by_sku)

    fragment = client.get("/admin/products?q=apron", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "Linen apron" in body and "admin-nav" not in body


def test_product_list_filters_by_status_and_paginates(client, make, merchant):
    for n in range(32):
        make.product(f"Mug {n:02d}")
    make.product("Hidden draft", status="draft")
    first = client.get("/admin/products").get_data(as_text=True)
    assert "33 products" in first and "Page 1 of 2" in first
    assert "Page 2 of 2" in client.get("/admin/products?page=2").get_data(as_text=True)
    drafts = client.get("/admin/products?status=draft").get_data(as_text=True)
    assert "Hidden draft" in drafts and "Mug 01" not in drafts


def test_edit_of_unknown_product_is_404(client, merchant):
    assert client.get("/admin/products/999/edit").status_code == 404


def test_specification_line_without_colon_is_pointed_out(post, merchant, app):
    response = post("/admin/products/new", product_form(specs="Material: linen\nMachine washable"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Line 2 of the specifications needs a name, a colon and a value" in html
    assert 'id="specs-error" role="alert"' in html
    assert "Machine washable" in html  # the text is kept for correcting
    assert count_products(app) == 0
