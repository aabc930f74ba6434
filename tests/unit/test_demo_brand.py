"""The demo's brand and cause: what a first `make run` shows of the logo, colour, About page,
social profiles and the cause."""
from domain import brand, cause, shopconfig
from domain.extensions import db
from domain.models import CauseDonation


def test_the_demo_has_a_logo_a_readable_colour_a_story_profiles_and_a_cause(app, demo_shop, client):
    with app.test_request_context():
        config = shopconfig.load()
        key, width, height = config.logo
        assert width > height > 0
        assert brand.contrast(config.brand_colour) >= brand.MIN_CONTRAST
        assert config.about_md["en"] and config.about_md["ko"]
        assert [k for k, _name, _url in brand.social_links(config)] == ["instagram", "youtube",
                                                                         "naver_blog"]
        assert cause.is_set(config) and config.cause_bp == 200
        assert cause.name(config, "ko") == "서울숲컨서번시"
        assert db.session.scalar(db.select(db.func.count(CauseDonation.id))) == 1
        totals = cause.totals(config.zone)
        assert totals.orders > 0 and totals.given and totals.given[0].amount > 0
    assert client.get(f"/media/products/{key}-320.webp").status_code == 200
    home = client.get("/").get_data(as_text=True)
    assert f"/brand/{config.brand_colour[1:]}.css" in home and 'href="/about"' in home
    page = client.get("/cause").get_data(as_text=True)
    assert "Seoul Forest Conservancy" in page and "Our first gift" in page


def test_removing_the_demo_takes_its_brand_and_cause_out(app, demo_shop):
    from domain.demo import removal
    with app.test_request_context():
        found = removal.find()
        assert found.brand == ["logo", "colour", "About page", "social profiles", "cause"]
        assert len(found.donations) == 1
        keys = removal.remove(found)
        db.session.commit()
        config = shopconfig.load()
        assert (config.logo, config.brand_colour, config.about_md, config.social_links) == \
            (None, "", {}, {})
        assert not cause.is_set(config) and found.logo_key in keys
        assert db.session.scalar(db.select(db.func.count(CauseDonation.id))) == 0
