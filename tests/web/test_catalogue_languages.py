"""The catalogue in both languages, as a merchant writes it and as shoppers read it."""
import pytest

from domain.extensions import db
from domain.models import Order, Product
from tests.checkout_helpers import add_to_cart, checkout_form
from tests.page_helpers import csrf_token, form_values, text

KO = {"Accept-Language": "ko-KR,ko;q=0.9"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def mug(app, make):
    make.settings(currency="KRW")
    standard = make.shipping("Standard", price=3000)
    category = make.category("Mugs", translations={"ko": {"name": "머그와 컵"}})
    return make.product(
        "Everyday Mug", price=28000, stock=9, category_id=category["id"], option1_name="Glaze",
        summary="The mug for every morning.", description_md="A *celadon* mug.",
        variants=[{"sku": "MUG-CEL", "option1": "Celadon", "price": 28000, "stock": 9,
                   "translations": {"ko": {"option1": "청자"}}},
                  {"sku": "MUG-WHT", "option1": "Moon White", "price": 28000, "stock": 9}],
        translations={"ko": {"title": "데일리 머그", "summary": "매일 아침 쓰는 머그.",
                             "description_md": "*청자* 유약의 머그.", "option1_name": "유약"}},
        ) | {"standard": standard}


def test_a_korean_shopper_sees_the_korean_catalogue_and_an_english_one_the_english(client, mug):
    ko = text(client.get("/products/everyday-mug", headers=KO))
    assert "<h1>데일리 머그</h1>" in ko
    assert "매일 아침 쓰는 머그." in ko and "<em>청자</em> 유약의 머그." in ko
    assert "<legend>유약</legend>" in ko and "<span>청자</span>" in ko
    assert "<span>Moon White</span>" in ko  # not translated: the main language's
    assert "머그와 컵" in ko
    en = text(client.get("/products/everyday-mug", headers=EN))
    assert "<h1>Everyday Mug</h1>" in en and "데일리" not in en and "<span>Celadon</span>" in en
    for path in ("/c/mugs", "/search?q=머그"):
        assert "데일리 머그" in text(client.get(path, headers=KO)), path
    assert "Everyday Mug" in text(client.get("/c/mugs", headers=EN))


def test_a_korean_order_keeps_the_titles_its_buyer_saw(app, client, mug):
    """Cart, checkout and the order's copy of its lines are in the buyer's language."""
    client.post("/language", data={"csrf_token": csrf_token(client, "/"), "lang": "ko", "next": "/"})
    add_to_cart(client, mug["variant_ids"][0], slug=mug["slug"])
    assert "데일리 머그 (청자)" in text(client.get("/cart")) or "데일리 머그" in text(client.get("/cart"))
    assert "데일리 머그" in text(client.get("/checkout"))
    assert client.post("/checkout", data=checkout_form(client, mug)).status_code == 303
    with app.app_context():
        line = db.session.scalar(db.select(Order)).lines[0]
        assert (line.title, line.variant_title) == ("데일리 머그", "청자")


def edit_form(client, product):
    """The product's edit form as the browser would send it unchanged."""
    return form_values(text(client.get(f"/admin/products/{product['id']}/edit")), "product-form")


def test_the_merchant_writes_both_languages_side_by_side(app, client, make, merchant, mug, post):
    form = text(client.get(f"/admin/products/{mug['id']}/edit"))
    assert 'name="title_ko"' in form and 'value="데일리 머그"' in form
    assert 'name="variants-0-option1_ko"' in form and 'value="청자"' in form
    assert "Title · 한국어" in form and "Title · English" in form
    assert 'name="title_en"' not in form  # the main language has one box, the column's

    data = form_values(form, "product-form") | {
        "title_ko": "새 머그", "summary_ko": "", "description_md_ko": "새 설명",
        "variants-0-option1_ko": "청자 유약", "variants-1-option1_ko": "백자"}
    response = client.post(f"/admin/products/{mug['id']}/edit", data=data)
    assert response.status_code == 303
    ko = text(client.get("/products/everyday-mug", headers=KO))
    assert "<h1>새 머그</h1>" in ko and "<span>청자 유약</span>" in ko and "<span>백자</span>" in ko
    # The Korean summary was cleared: Korean shoppers read the English one.
    assert "The mug for every morning." in ko
    assert "새 머그" in text(client.get("/search?q=새 머그", headers=KO))


def test_a_translation_too_long_is_refused_with_a_message_and_changes_nothing(
        app, client, merchant, mug, post):
    data = edit_form(client, mug) | {"title_ko": "가" * 201}
    response = client.post(f"/admin/products/{mug['id']}/edit", data=data)
    assert response.status_code == 422
    assert "200" in text(response)
    with app.app_context():
        assert db.session.get(Product, mug["id"]).translations["ko"]["title"] == "데일리 머그"


def test_korean_text_is_escaped_and_markdown_sanitised(app, client, merchant, mug, post):
    data = edit_form(client, mug) | {
        "title_ko": "<img src=x onerror=alert(1)>",
        "description_md_ko": "<script>alert(2)</script>[링크](javascript:alert(3))"}
    assert client.post(f"/admin/products/{mug['id']}/edit", data=data).status_code == 303
    ko = text(client.get("/products/everyday-mug", headers=KO))
    assert "<img src=x" not in ko and "&lt;img src=x onerror=alert(1)&gt;" in ko
    assert "<script>alert(2)" not in ko and 'href="javascript' not in ko


def test_category_names_and_policies_in_both_languages(client, merchant, mug, post):
    categories = text(client.get("/admin/categories"))
    assert 'value="머그와 컵"' in categories
    category_id = mug_category_id(client)
    assert post(f"/admin/categories/{category_id}", {"name": "Mugs", "name_ko": "머그",
                                                       "position": "0"},
                token_from="/admin/categories").status_code == 303
    assert ">머그</a>" in text(client.get("/", headers=KO))
    assert post("/admin/policies/privacy", {"body_md": "We keep little.",
                                            "body_md_ko": "최소한만 보관합니다."},
                token_from="/admin/policies/privacy").status_code == 303
    assert "최소한만 보관합니다." in text(client.get("/policies/privacy", headers=KO))
    assert "We keep little." in text(client.get("/policies/privacy", headers=EN))


def mug_category_id(client):
    import re
    match = re.search(r'/admin/categories/(\d+)"', text(client.get("/admin/categories")))
    return int(match.group(1))


def test_a_signed_out_visitor_cannot_write_translations(client, mug, post):
    response = post(f"/admin/products/{mug['id']}/edit", {"title": "X", "title_ko": "해킹"})
    assert response.status_code in (302, 303, 403)
    assert "해킹" not in text(client.get("/products/everyday-mug", headers=KO))


def test_the_merchant_makes_korean_the_main_language_and_nothing_is_lost(app, client, merchant,
                                                                         mug):
    data = form_values(text(client.get("/admin/settings")), "settings-form")
    response = client.post("/admin/settings", data=data | {"main_language": "ko"})
    assert response.status_code == 303
    form = text(client.get(f"/admin/products/{mug['id']}/edit"))
    assert 'value="데일리 머그"' in form and "Title · 한국어" in form
    assert 'name="title_en"' in form and 'value="Everyday Mug"' in form
    assert "<h1>Everyday Mug</h1>" in text(client.get("/products/everyday-mug", headers=EN))
    assert "<h1>데일리 머그</h1>" in text(client.get("/products/everyday-mug", headers=KO))

    refused = client.post("/admin/settings", data=data | {"main_language": "fr"})
    assert refused.status_code == 422
    assert "Please choose one of the listed languages." in text(refused)
