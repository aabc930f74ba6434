"""The catalogue in both languages: translations with a fallback to the main language, search
in every language (words inside Korean compounds too), and changing the main language."""
import pytest
from flask_babel import force_locale

from domain import catalog, localized
from domain.errors import ShopError
from domain.extensions import db
from domain.models import Category, Product
from domain.products import update_product
from domain.settings import save_settings
from domain.shopconfig import get_settings_row

MUG_KO = {"title": "커피머그컵", "summary": "아침마다 쓰는 머그",
          "description_md": "손으로 빚은 **청자** 머그.\n\n<script>alert(1)</script>",
          "option1_name": "유약", "specs": [["용량", "350 ml"]]}


@pytest.fixture
def mug(ctx, make):
    """An English mug in two glazes, translated into Korean; and an English-only bowl."""
    made = make.product(
        "Everyday Mug", summary="The mug for every morning.", option1_name="Glaze",
        description_md="A **celadon** mug.", specs=[["Capacity", "350 ml"]],
        variants=[{"sku": "MUG-CEL", "option1": "Celadon", "price": 28000, "stock": 5,
                   "translations": {"ko": {"option1": "청자"}}},
                  {"sku": "MUG-WHT", "option1": "Moon White", "price": 28000, "stock": 5}],
        translations={"ko": MUG_KO})
    make.product("Rice Bowl", summary="The bowl for every meal.")
    return db.session.get(Product, made["id"])


def found(q, **kwargs):
    return [p.title for p in catalog.search(q, **kwargs).items]


def test_a_shopper_reads_the_catalogue_in_their_language_and_the_rest_in_the_main_one(mug):
    """Korean where the merchant wrote it, English field by field where they did not."""
    with force_locale("ko"):
        assert localized.text(mug, "title") == "커피머그컵"
        assert localized.text(mug, "option1_name") == "유약"
        assert localized.text(mug.variants[0], "title") == "청자"
        assert localized.text(mug.variants[1], "title") == "Moon White"
        assert localized.text(mug, "specs") == [["용량", "350 ml"]]
        assert localized.text(mug, "option2_name") == ""
    with force_locale("en"):
        assert localized.text(mug, "title") == "Everyday Mug"
        assert localized.text(mug.variants[0], "title") == "Celadon"


def test_translated_markdown_is_rendered_and_sanitised_when_saved(mug):
    html = localized.text(mug, "description_html", "ko")
    assert "<strong>청자</strong>" in html
    assert "<script" not in html
    assert "청자" in localized.text(mug, "description_text", "ko")


def test_a_blank_translation_falls_back_and_is_not_stored(mug):
    localized.set_translation(mug, "ko", {"title": "  ", "summary": ""}, "en")
    assert "ko" not in mug.translations
    with force_locale("ko"):
        assert localized.text(mug, "title") == "Everyday Mug"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_only_the_shops_other_languages_take_translations(mug, lang):
    """The main language lives in the columns; a language the shop does not speak is refused."""
    with pytest.raises(ShopError):
        localized.set_translation(mug, lang, {"title": "Mug"}, "en")
    assert mug.translations["ko"]["title"] == "커피머그컵"


def test_a_text_too_long_is_refused_and_changes_nothing(mug):
    with pytest.raises(ShopError, match="200"):
        localized.set_translation(mug, "ko", {"title": "가" * 201, "summary": "새 요약"}, "en")
    assert mug.translations["ko"]["summary"] == "아침마다 쓰는 머그"


@pytest.mark.parametrize("query", [
    "머그",        # two syllables: found inside the compound 커피머그컵
    "컵",          # one syllable, at the end of it
    "mu",          # two letters: the start of an English word
    "머그컵",      # three: through the trigram index
    "청자",        # a Korean option value
    "유약",        # a Korean option name
    "mug",         # the main language still works
    "celadon",
    "아침 머그",   # every word, in different fields
])
def test_search_finds_a_product_by_any_language_and_inside_korean_compounds(mug, query):
    assert found(query) == ["Everyday Mug"]


def test_search_needs_every_word_and_finds_nothing_for_other_words(mug):
    assert found("머그 밥공기") == []
    assert found("도자기") == []
    assert found("bowl") == ["Rice Bowl"]


def test_search_sorted_by_price_finds_korean_words_too(mug):
    assert found("머그", sort="price_asc") == ["Everyday Mug"]


def test_search_follows_a_changed_translation(mug):
    update_product(mug, translations={"ko": {"title": "데일리 컵"}})
    db.session.commit()
    assert found("데일리") == ["Everyday Mug"]
    assert found("커피머그컵") == []


def test_changing_the_main_language_swaps_the_texts_and_loses_nothing(mug):
    """A shop that now writes Korean first: Korean in the columns, English kept as a
    translation; a text never written in Korean stays in the column for both."""
    category = Category(name="Mugs", slug="mugs", translations={"ko": {"name": "머그"}})
    db.session.add(category)
    bowl = db.session.scalar(db.select(Product).where(Product.title == "Rice Bowl"))
    save_settings(currency="USD", tax_rate="0", prices_include_tax=False,
                  free_shipping_threshold="", low_stock_threshold=5, name="Shop",
                  default_region="Domestic", timezone="UTC", main_language="ko")
    db.session.commit()
    assert get_settings_row().main_language == "ko"
    assert (mug.title, category.name, mug.variants[0].option1) == ("커피머그컵", "머그", "청자")
    assert mug.translations["en"]["title"] == "Everyday Mug"
    assert "ko" not in mug.translations
    assert "<strong>청자</strong>" in mug.description_html
    assert localized.text(mug, "description_html", "en") == mug.translations["en"]["description_html"]
    assert bowl.title == "Rice Bowl" and localized.text(bowl, "title", "en") == "Rice Bowl"
    with force_locale("en"):
        assert localized.text(mug, "title") == "Everyday Mug"
    assert found("everyday") == ["커피머그컵"]


def test_an_unknown_main_language_is_refused(mug):
    with pytest.raises(ShopError):
        save_settings(currency="USD", tax_rate="0", prices_include_tax=False,
                      free_shipping_threshold="", low_stock_threshold=5, name="Shop",
                      default_region="Domestic", timezone="UTC", main_language="fr")
    db.session.rollback()
    assert get_settings_row().main_language == "en"
