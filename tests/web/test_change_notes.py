""""You said, we did": the merchant's change note on a product, linked to the reviews and
returns that prompted it, shown on the product page and at /changes, and the one email to the
customers behind them who agreed to marketing; testimonials on the home page, labelled apart."""
from email import message_from_bytes, policy

import pytest

from blueprints.mail import renderer
from domain import consent
from domain.extensions import db
from domain.models import ChangeNote, Order, OutboxMessage, Testimonial
from tests.order_helpers import NOW
from tests.page_helpers import text
from tests.return_helpers import ask
from tests.review_admin_helpers import XSS, add_review, bought

KO = {"Accept-Language": "ko-KR,ko;q=0.9"}


def agree(app, email, language="en"):
    with app.app_context():
        consent.grant(NOW, "checkout", language, email=email)
        db.session.commit()


def korean_order(app, number):
    with app.app_context():
        db.session.scalar(db.select(Order).where(Order.number == number)).locale = "ko"
        db.session.commit()


@pytest.fixture
def feedback(app, setup, make):
    """A's and B's reviews of the jar (A agreed to marketing, B did not), C's return of it (C
    agreed, and orders in Korean), and a review of another product."""
    a = add_review(app, bought(app, setup, "a@example.com"), rating=2, title="Handle too thin",
                   status="published")
    b = add_review(app, bought(app, setup, "b@example.com"), rating=3, title="Handle hurts")
    c_order = bought(app, setup, "c@example.com")
    korean_order(app, c_order)
    returned = ask(app, c_order)
    agree(app, "a@example.com")
    agree(app, "c@example.com", "ko")
    cup = make.product("Tea cup", variants=[{"sku": "TC-1", "price": 12000, "stock": 5}])
    other = add_review(app, bought(app, {"method": setup["method"],
                                         "variant": cup["variant_ids"][0]}, "d@example.com"))
    with app.app_context():
        from domain.models import ReturnRequest
        return_id = db.session.scalar(db.select(ReturnRequest.id).where(
            ReturnRequest.number == returned))
        product_id = db.session.scalar(db.select(Order).where(Order.number == c_order)
                                       ).lines[0].product_id
    return {"a": a, "b": b, "return": return_id, "other": other, "product": product_id}


def note_form(feedback, **changes):
    values = {"product_id": feedback["product"], "text": "Thicker handle since March, after "
              "your feedback.", "text_ko": "3월부터 손잡이를 두껍게 했습니다.",
              "changed_on": "2026-03-01", "review_ids": [feedback["a"], feedback["b"]],
              "return_ids": [feedback["return"]], "notify": "y"}
    values.update(changes)
    return values


def messages(app):
    with app.app_context():
        return [(m.to_address, m.locale) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == "change_note")
            .order_by(OutboxMessage.id))]


def email_to(app, address):
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "change_note", OutboxMessage.to_address == address))
        return message_from_bytes(renderer(app)(message).as_bytes(), policy=policy.default)


def body_of(email):
    return next(part.get_content() for part in email.walk()
                if part.get_content_type() == "text/plain")


def test_a_change_note_shows_on_the_product_and_tells_consenting_customers_once(
        app, client, post, merchant, feedback):
    new = f"/admin/changes/new?product_id={feedback['product']}"
    form = text(client.get(new))
    assert "Handle too thin" in form and "Handle hurts" in form
    response = post("/admin/changes/new", note_form(feedback), token_from=new)
    assert response.status_code == 303
    # B did not agree to marketing email: only A and C are told, C in Korean.
    assert messages(app) == [("a@example.com", "en"), ("c@example.com", "ko")]
    english = email_to(app, "a@example.com")
    assert english["Subject"] == "(Ad) You said, we did: Moon jar"
    assert english["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/privacy/unsubscribe/" in english["List-Unsubscribe"]
    assert "Thicker handle since March" in body_of(english)
    korean = email_to(app, "c@example.com")
    assert korean["Subject"].startswith("(광고) ")
    assert "3월부터 손잡이를 두껍게 했습니다." in body_of(korean)
    page = text(client.get("/products/moon-jar"))
    assert "You said, we did" in page and "Thicker handle since March" in page
    assert "after 2 reviews" in page and "after 1 return" in page
    assert "3월부터 손잡이를 두껍게 했습니다." in text(client.get("/products/moon-jar", headers=KO))
    assert "Thicker handle since March" in text(client.get("/changes"))
    with app.app_context():
        note_id = db.session.scalar(db.select(ChangeNote.id))
    # Saved again (even asking to notify): nobody is emailed twice.
    again = post(f"/admin/changes/{note_id}", note_form(feedback, text="Thicker handle."),
                 token_from=f"/admin/changes/{note_id}")
    assert again.status_code == 303
    assert len(messages(app)) == 2
    assert "Thicker handle." in text(client.get("/changes"))


def test_a_note_is_refused_with_a_reason_and_nothing_saved(app, client, post, merchant,
                                                           feedback):
    new = f"/admin/changes/new?product_id={feedback['product']}"
    for changes, message in (
            ({"text": "  "}, "Say what changed, in a sentence."),
            ({"text": "x" * 301}, "Keep it within 300 characters."),
            ({"review_ids": [feedback["other"]]}, "Pick reviews of this product only."),
            ({"return_ids": [999]}, "Pick returns of this product only."),
            ({"changed_on": "2026-04-01"}, "The change must already have happened"),
            ({"product_id": "999999"}, "Choose the product that changed.")):
        response = post("/admin/changes/new", note_form(feedback, **changes), token_from=new)
        assert response.status_code == 422, changes
        assert message in text(response), changes
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ChangeNote.id))) == 0
    assert messages(app) == []


def test_note_text_is_plain_text_everywhere(app, client, post, merchant, feedback):
    new = f"/admin/changes/new?product_id={feedback['product']}"
    assert post("/admin/changes/new", note_form(feedback, text=XSS, text_ko=""),
                token_from=new).status_code == 303
    for path in ("/products/moon-jar", "/changes", "/admin/changes"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html, path
    html_part = next(part.get_content() for part in email_to(app, "a@example.com").walk()
                     if part.get_content_type() == "text/html")
    assert "<script>alert" not in html_part and "&lt;script&gt;" in html_part


def count_testimonials(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Testimonial.id)))


def test_testimonials_show_on_the_home_page_labelled_apart(app, client, post, setup, merchant):
    assert post("/admin/testimonials", {"kind": "press", "quote": "Quietly perfect pots. " + XSS,
                                        "name": "", "source": "Seoul Living",
                                        "said_on": "2026-02-01"},
                token_from="/admin/testimonials").status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert "Testimonials the shop chose" in home
    assert "they are not reviews from verified buyers" in home
    assert "Quietly perfect pots." in home and "Seoul Living" in home
    assert "<script>alert" not in home and "&lt;script&gt;" in home
    with app.app_context():
        testimonial_id = db.session.scalar(db.select(Testimonial.id))
    assert post(f"/admin/testimonials/{testimonial_id}/delete",
                token_from="/admin/testimonials").status_code == 303
    assert "Testimonials the shop chose" not in text(client.get("/"))


def test_a_testimonial_without_words_or_source_is_refused(app, client, post, setup, merchant):
    for values, message in (
            ({"quote": " ", "name": "Mina"}, "Enter the words as they were said or printed."),
            ({"quote": "Lovely", "name": "", "source": ""},
             "Say who said it, or where it was published."),
            ({"quote": "x" * 501, "name": "Mina"}, "Keep it within 500 characters."),
            ({"quote": "Lovely", "name": "Mina", "said_on": "2027-01-01"},
             "Pick today or an earlier date."),
            ({"quote": "Lovely", "name": "Mina", "kind": "review"},
             "Please choose one of the listed kinds.")):
        response = post("/admin/testimonials", {"kind": "testimonial", **values},
                        token_from="/admin/testimonials")
        assert response.status_code == 422, values
        assert message in text(response), values
    assert count_testimonials(app) == 0
