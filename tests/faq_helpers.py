"""A small help page to test with: a care topic with two written answers in English and
Korean, and the answers generated from the rules."""
from domain import faq
from domain.extensions import db


def faq_shop(app, make):
    """Returns {"care": the topic's slug, "washer": entry id, "cup": entry id}."""
    make.settings(name="Moonjar", currency="KRW", email="hello@moonjar.example")
    make.shipping("Standard", price=3000, days_min=2, days_max=3)
    with app.test_request_context():
        care = faq.save_category(None, "Care", 1, {"ko": {"name": "관리"}})
        washer = faq.save_entry(
            None, category_id=care.id, question="Can the bowls go in the dishwasher?",
            answer_md="Yes: our **stoneware** is glazed to last.",
            translations={"ko": {"question": "그릇을 식기세척기에 넣어도 되나요?",
                                 "answer_md": "네, 튼튼한 석기입니다."}})
        cup = faq.save_entry(
            None, category_id=care.id, question="Why does my cup look different?",
            answer_md="Handmade glaze varies: speckles are part of it.", position=2,
            translations={"ko": {"question": "컵이 사진과 달라요.",
                                 "answer_md": "유약은 손으로 입혀 조금씩 다릅니다."}})
        faq.add_generated()
        db.session.commit()
        return {"care": care.slug, "washer": washer.id, "cup": cup.id}
