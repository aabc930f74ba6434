"""The demo: photos drawn the same way every time, and a catalogue in English and Korean."""
import io
import random
import re

from flask_babel import force_locale
from PIL import Image

from domain import catalog, localized, policies
from domain.demo.catalogue import GLAZES, PRODUCTS
from domain.demo.photos import BACKDROPS, SHAPES, draw, photo_plan
from domain.extensions import db
from domain.localized import translation
from domain.models import Category, Product


def test_photos_are_reproducible_square_jpegs():
    """The same seed draws the same bytes (so a reload stores no new files); another differs."""
    args = ("teapot", GLAZES["Celadon"][1], BACKDROPS[0], 1.0)
    first = draw(*args, random.Random(7))
    assert first == draw(*args, random.Random(7))
    assert first != draw(*args, random.Random(8))
    image = Image.open(io.BytesIO(first))
    assert (image.format, image.size) == ("JPEG", (1024, 1024))


def test_every_product_gets_one_to_three_photos_and_its_own_main_photo():
    """Reproducible plans of 1-3 photos; no two pieces share a shape in the same glaze."""
    plans = [photo_plan(spec, random.Random(1)) for spec in PRODUCTS]
    assert plans == [photo_plan(spec, random.Random(1)) for spec in PRODUCTS]
    for spec, plan in zip(PRODUCTS, plans):
        assert 1 <= len(plan) <= 3
        assert all(shape in SHAPES and glaze in GLAZES for shape, glaze, *_ in plan)
        assert plan[0][5] == f"{spec['title']} in {spec['glazes'][0]}"
    looks = {(spec["shape"], spec["glazes"][0]) for spec in PRODUCTS}
    assert len(looks) == len(PRODUCTS), "no two pieces look alike in a listing"


# The demo in Korean: English is the main language, Korean the shop's other one.

LATIN = re.compile(r"[A-Za-z]")
UNITS = re.compile(r"\d(cm|ml|L|g)\b|°C")


def product(slug):
    return db.session.scalar(db.select(Product).where(Product.slug == slug))


def in_language(app, lang, read):
    """What `read()` returns while serving a shopper in `lang`."""
    with app.test_request_context(), force_locale(lang):
        return read()


def test_every_text_a_shopper_reads_has_its_korean_translation(app, demo_shop):
    """Categories, products (title, copy, options, specs) and variants all have Korean texts,
    with Korean section headings and no English words left in them."""
    with app.app_context():
        categories = db.session.scalars(db.select(Category)).all()
        assert len(categories) == 5
        for category in categories:
            korean = translation(category, "ko")
            assert korean["name"] and korean["description"], category.name
            assert not LATIN.search(korean["name"] + korean["description"]), category.name
        products = db.session.scalars(db.select(Product)).all()
        assert len(products) == len(PRODUCTS)
        for piece in products:
            korean = translation(piece, "ko")
            texts = [korean[f] for f in ("title", "summary", "description_md", "option1_name")]
            texts += [korean["option2_name"]] if piece.option2_name else []
            assert len(korean["specs"]) == len(piece.specs), piece.title
            texts += [word for pair in korean["specs"] for word in pair]
            for text in texts:
                assert text and not LATIN.search(UNITS.sub("", text)), (piece.title, text)
            assert re.findall(r"<h3>(.*?)</h3>", korean["description_html"]) == [
                "만드는 과정", "사용 안내", "관리 방법"], piece.title
            for variant in piece.variants:
                options = translation(variant, "ko")
                assert options["option1"] and not LATIN.search(options["option1"]), variant.sku
                assert bool(options.get("option2")) == bool(variant.option2), variant.sku


def test_each_shopper_reads_the_catalogue_in_their_language(app, demo_shop):
    """localized.text follows the request's language, for products, variants and categories."""
    with app.app_context():
        mug, jar = product("everyday-mug"), product("moon-jar")

        def read():
            return (localized.text(mug, "title"), localized.text(mug, "option1_name"),
                    localized.text(mug.variants[0], "title"),
                    localized.text(jar.variants[-1], "title"),
                    localized.text(mug.category, "name"), localized.text(mug, "specs")[0])

        assert in_language(app, "ko", read) == (
            "데일리 머그", "유약", "청자", "달백자 / 중형", "머그·컵", ["치수", "지름 8.5 × 높이 9.5cm"])
        assert in_language(app, "en", read) == (
            "Everyday Mug", "Glaze", "Celadon", "Moon White / Medium", "Mugs & Cups",
            ["Dimensions", "Ø 8.5 × H 9.5 cm"])
        assert "청자 유약" in in_language(app, "ko", lambda: localized.text(product("ribbed-vase"),
                                                                            "description_text"))


def titles(q):
    return {piece.title for piece in catalog.search(q, per_page=100).items}


def test_korean_words_find_the_demo_pieces_and_english_words_still_do(app, demo_shop):
    """Two-letter words (matched with LIKE) and longer ones (the trigram index) both work."""
    celadon = {spec["title"] for spec in PRODUCTS if "Celadon" in spec["glazes"]}
    mugs_and_cups = {spec["title"] for spec in PRODUCTS if spec["cat"] == 0}
    with app.app_context():
        assert titles("밥공기") == {"Rice Bowl"}
        assert titles("달항아리 소형") == {"Moon Jar"}
        assert titles("청자") == celadon
        assert titles("머그") == mugs_and_cups
        assert titles("청자 머그") == celadon & mugs_and_cups
        assert titles("퇴수기") == {"Water Bowl (Kensui)"}
        assert titles("mug") == mugs_and_cups and titles("moon jar") == {"Moon Jar", "Cake Stand"}
        assert titles("도자기 없는 말") == set()


def test_the_policies_are_written_in_korean_too(app, demo_shop):
    """Return rules, ways back, privacy and terms have Korean texts naming Korean law."""
    with app.app_context():
        def read():
            shown = policies.returns_policy("KRW")
            return (localized.text(shown.policy, "general_html"),
                    [text for _key, _label, text in shown.methods],
                    localized.text(policies.page("privacy"), "body_html"),
                    localized.text(policies.page("terms"), "body_html"))

        general, methods, privacy, terms = in_language(app, "ko", read)
        assert "「전자상거래 등에서의 소비자보호에 관한 법률」" in general
        assert "CJ대한통운 반품 회수" in methods[0] and "편의점" in methods[1]
        assert "「개인정보 보호법」" in privacy and "개인정보 보호책임자" in privacy
        assert "1372" in terms and "한국소비자원" in terms
        general, methods, privacy, terms = in_language(app, "en", read)
        assert "Act on Consumer Protection in Electronic Commerce" in general
        assert "CJ Logistics return pickup" in methods[0]
        assert "Personal Information Protection Act" in privacy and "1372" in terms


def test_the_demo_help_page_answers_in_both_languages(app, demo_shop):
    """Four topics, written questions in Korean too, and the three answers from the rules."""
    from domain import faq
    from domain.faq import generated

    with app.app_context():
        listed = faq.categories()
        assert [category.slug for category, _entries in listed] == [
            "shipping", "returns", "payment", "care"]
        entries = [entry for _category, items in listed for entry in items]
        assert {e.generated for e in entries if e.generated} == set(generated.ANSWERS)
        for entry in entries:
            assert re.search("[가-힣]", translation(entry, "ko").get("question", "")), entry.question
            if not entry.generated:
                assert translation(entry, "ko").get("answer_html"), entry.question
        assert demo_shop.questions == len(entries)

        def shipping():
            from domain import shopconfig
            built = generated.answer("shipping_cost", shopconfig.load())
            return " ".join([*built.items, *built.closing])
        assert "₩50,000" in in_language(app, "ko", shipping)
        assert [e.id for e in faq.search.search("식기세척기")] == [
            e.id for e in entries if "dishwasher" in e.question]
