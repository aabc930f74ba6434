"""The help page's generated answers say what the return rules and shipping settings enforce,
and change the moment those change."""
from datetime import datetime, timezone

import pytest
from flask_babel import force_locale

from domain import returns, settings, shopconfig
from domain.extensions import db
from domain.faq import generated
from domain.models import ShippingMethod
from tests.return_helpers import rule_values

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)


def answer(key, lang="en"):
    """The answer as a shopper reading `lang` would get it, from a fresh settings snapshot."""
    with force_locale(lang):
        built = generated.answer(key, shopconfig.load())
        return " ".join([*built.paragraphs, *built.items, *built.closing])


@pytest.fixture
def shop(app, make):
    make.settings(name="Moonjar", currency="KRW", free_shipping_threshold=50_000)
    make.shipping("Standard", price=3000, days_min=2, days_max=3)
    make.shipping("Express", price=6000, days_min=1, days_max=1)
    category = make.category("Vases")
    with app.test_request_context():
        yield category


def test_the_returns_answer_follows_the_return_rules(shop):
    """No promise before the rules are set; then the shop's window, and a change shows at once."""
    assert "has not set its return rules" in answer("returns_window")
    returns.save_rule("shop", None, rule_values(window_days=30), NOW)
    db.session.commit()
    assert "Free returns within 30 days" in answer("returns_window")
    returns.save_rule("shop", None, rule_values(window_days=14), NOW)
    returns.save_rule("category", shop["id"], rule_values(window_days=7, return_shipping="flat",
                                                          return_shipping_fee=5000), NOW, "KRW")
    db.session.commit()
    text = answer("returns_window")
    assert "Free returns within 14 days" in text and "30 days" not in text
    assert "Vases: Returns within 7 days · ₩5,000 return shipping" in text


def test_the_shipping_answer_follows_the_active_methods_and_threshold(shop):
    """Prices and the free-shipping threshold as checkout charges them."""
    text = answer("shipping_cost")
    assert "Standard: ₩3,000" in text and "Express: ₩6,000" in text and "₩50,000" in text
    express = db.session.scalar(db.select(ShippingMethod).where(ShippingMethod.name == "Express"))
    settings.save_shipping_method(express, name="Express", region=express.region, price="7,500",
                                  days_min=1, days_max=1, currency="KRW")
    standard = db.session.scalar(db.select(ShippingMethod).where(ShippingMethod.name == "Standard"))
    standard.active = False
    shopconfig.get_settings_row().free_shipping_threshold = None
    db.session.commit()
    text = answer("shipping_cost")
    assert "Express: ₩7,500" in text
    assert "Standard" not in text and "₩50,000" not in text


def test_the_delivery_answer_follows_the_methods_days(shop):
    """Days as checkout says them; a changed method changes the answer."""
    text = answer("delivery_time")
    assert "Standard: 2–3 days" in text and "Express: 1 day" in text
    standard = db.session.scalar(db.select(ShippingMethod).where(ShippingMethod.name == "Standard"))
    settings.save_shipping_method(standard, name="Standard", region=standard.region, price="3000",
                                  days_min=4, days_max=6, currency="KRW")
    db.session.commit()
    assert "Standard: 4–6 days" in answer("delivery_time")


def test_generated_answers_speak_korean(shop):
    """A Korean shopper reads the same rules in Korean."""
    returns.save_rule("shop", None, rule_values(window_days=14), NOW)
    db.session.commit()
    assert "14일 이내 무료 반품" in answer("returns_window", "ko")
    assert "구매하신 상품에 따라 다릅니다" in answer("returns_window", "ko")
    assert "배송 방법은 결제할 때" in answer("shipping_cost", "ko")
    assert "Standard: 2–3일" in answer("delivery_time", "ko")


def test_a_shop_without_shipping_methods_says_so(app, make):
    """No method, no invented price."""
    with app.test_request_context():
        assert "being set up" in answer("shipping_cost")
        assert "being set up" in answer("delivery_time")
