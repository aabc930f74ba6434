"""The help page (/help): questions by topic in both languages, search as one types and
without JavaScript on both databases, "Did this help?" votes, and the back office's questions."""
import re

import pytest

from domain import faq
from domain.extensions import db
from domain.models import FaqEntry, FaqVote
from tests.faq_helpers import faq_shop
from tests.page_helpers import csrf_of, text


@pytest.fixture
def entries(app, make):
    return faq_shop(app, make)


def korean(client):
    with client.session_transaction() as session:
        session["lang"] = "ko"


def answers_shown(html):
    return re.findall(r'<details class="faq-entry" id="q-(\d+)"', html)


def test_the_help_page_lists_topics_and_questions_in_both_languages(client, entries):
    """English first; a Korean shopper reads the same questions, answers and generated answers in Korean."""
    page = text(client.get("/help"))
    assert "Can the bowls go in the dishwasher?" in page and "<strong>stoneware</strong>" in page
    assert 'id="topic-care"' in page and "How much is shipping?" in page
    assert "Standard: ₩3,000" in page
    korean(client)
    page = text(client.get("/help"))
    assert "그릇을 식기세척기에 넣어도 되나요?" in page and "튼튼한 석기" in page
    assert "관리" in page and "배송비는 얼마인가요?" in page and "도움이 되었나요?" in page


def test_every_page_links_to_the_help_page(client, entries):
    """The footer of every page leads to /help."""
    for path in ("/", "/policies/shipping", "/cart"):
        assert 'href="/help"' in text(client.get(path)), path


def test_search_finds_words_in_questions_and_in_answers(client, entries):
    """A word of the question, a word only in the answer, a Korean word: the matching questions only."""
    def found(q):
        return answers_shown(text(client.get("/help", query_string={"q": q})))
    assert found("dishwasher") == [str(entries["washer"])]
    assert found("speckles") == [str(entries["cup"])]
    assert found("stone") == [str(entries["washer"])]
    assert found("식기세척기") == [str(entries["washer"])]
    assert found("석기") == [str(entries["washer"])]
    assert found("glaze cup") == [str(entries["cup"])]
    assert found("porcelain") == []
    assert "No answers for “porcelain”" in text(client.get("/help?q=porcelain"))


def test_search_leaves_out_unpublished_questions(app, client, entries):
    """A question the merchant hid is not found."""
    with app.test_request_context():
        entry = db.session.get(FaqEntry, entries["cup"])
        faq.save_entry(entry, category_id=entry.category_id, question=entry.question,
                       answer_md=entry.answer_md, published=False)
        db.session.commit()
    assert answers_shown(text(client.get("/help?q=speckles"))) == []
    assert "Why does my cup look different?" not in text(client.get("/help"))


def test_the_search_form_works_without_javascript_and_htmx_gets_the_results_only(client, entries):
    """The form is a plain GET to /help; htmx asks for the results region alone."""
    page = text(client.get("/help"))
    form = re.search(r'<form class="faq-search" role="search" method="get" action="/help">(.*?)</form>',
                     page, re.S).group(1)
    assert 'name="q"' in form and 'hx-trigger="input changed delay:300ms, search"' in form
    assert 'hx-target="#faq-results"' in form
    full = client.get("/help?q=dishwasher")
    assert "<html" in text(full) and "Can the bowls go in the dishwasher?" in text(full)
    partial = client.get("/help?q=dishwasher", headers={"HX-Request": "true"})
    body = text(partial)
    assert "<html" not in body and "<footer" not in body and 'class="faq-search"' not in body
    assert "Can the bowls go in the dishwasher?" in body
    assert "HX-Request" in partial.headers["Vary"]


def test_markdown_in_answers_is_sanitised(app, client, entries):
    """A script in an answer reaches the page as text, never as a script."""
    with app.test_request_context():
        entry = db.session.get(FaqEntry, entries["washer"])
        faq.save_entry(entry, category_id=entry.category_id, question=entry.question,
                       answer_md="Fine <script>alert('x')</script> [link](javascript:alert(1))")
        db.session.commit()
    page = text(client.get("/help"))
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert "&lt;script&gt;alert" in page


def vote(client, entry_id, helpful, token, headers=None):
    """Send a vote form as a browser does from the shop's page (saying where it comes from)."""
    return client.post(f"/help/{entry_id}/vote", data={"csrf_token": token, "helpful": helpful},
                       headers={"Sec-Fetch-Site": "same-origin", **(headers or {})})


def counts(app, entry_id):
    with app.app_context():
        entry = db.session.get(FaqEntry, entry_id)
        return entry.yes_count, entry.no_count


def test_a_vote_without_the_form_token_is_refused(app, client, entries):
    """No CSRF token, or a form sent from another site: no vote."""
    response = client.post(f"/help/{entries['washer']}/vote", data={"helpful": "yes"})
    assert response.status_code == 400
    stranger = app.test_client()
    token = csrf_of(text(stranger.get("/help")))
    assert vote(stranger, entries["washer"], "yes", token,
                headers={"Sec-Fetch-Site": "cross-site"}).status_code == 400
    assert counts(app, entries["washer"]) == (0, 0)
    assert counts(app, entries["washer"]) == (0, 0)


def test_one_vote_per_visitor_and_a_change_of_mind_replaces_it(app, client, entries):
    """The same answer twice counts once; the other answer moves the vote; another visitor adds one."""
    response = vote(client, entries["washer"], "yes", csrf_of(text(client.get("/help"))))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/help?voted={entries['washer']}&helpful=yes#q-{entries['washer']}"
    # The vote started the visitor's session: their pages now carry its own token.
    token = csrf_of(text(client.get("/help")))
    assert vote(client, entries["washer"], "yes", token).status_code == 303
    assert counts(app, entries["washer"]) == (1, 0)
    assert vote(client, entries["washer"], "no", token).status_code == 303
    assert counts(app, entries["washer"]) == (0, 1)
    other = app.test_client()
    vote(other, entries["washer"], "yes", csrf_of(text(other.get("/help"))))
    assert counts(app, entries["washer"]) == (1, 1)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(FaqVote.id))) == 2


def test_after_no_the_page_offers_to_contact_the_shop(client, entries):
    """Without JavaScript the redirect shows thanks and, after "No", a link to ask the shop."""
    token = csrf_of(text(client.get("/help")))
    page = text(client.get(vote(client, entries["cup"], "no", token).headers["Location"]))
    assert "Thank you for telling us." in page
    assert f'href="/help/contact?topic={entries["care"]}&amp;from=/help"' in page
    assert text(client.get("/help/contact")).count("hello@moonjar.example") >= 1


def test_an_htmx_vote_swaps_only_its_box(app, client, entries):
    """htmx gets the entry's vote box with the thanks and the contact offer."""
    token = csrf_of(text(client.get("/help")))
    response = vote(client, entries["cup"], "no", token, headers={"HX-Request": "true"})
    body = text(response)
    assert response.status_code == 200
    assert body.strip().startswith(f'<div class="faq-vote" id="vote-{entries["cup"]}">')
    assert "<html" not in body and "Ask us directly" in body and "topic=care" in body
    yes = text(vote(client, entries["washer"], "yes", token, headers={"HX-Request": "true"}))
    assert "Thank you for telling us." in yes and "Ask us directly" not in yes


def test_votes_are_rate_limited_with_a_clear_message(app, client, entries):
    """Ten votes a minute from one place; the eleventh is refused with 429 and nothing counted."""
    token = csrf_of(text(client.get("/help")))
    for n in range(10):
        assert vote(client, entries["washer"], "yes" if n % 2 else "no", token).status_code == 303
    refused = vote(client, entries["cup"], "yes", token)
    assert refused.status_code == 429
    assert "Too many attempts in a short time" in text(refused)
    assert counts(app, entries["cup"]) == (0, 0)


def test_viewing_the_help_page_writes_nothing_and_costs_the_same_with_more_questions(
        app, client, entries, count_queries):
    """A page view only reads, in a fixed number of queries however many questions there are."""
    app.config["PAGE_CACHE_SIZE"] = 0
    client.get("/help")

    def cost():
        with count_queries() as statements:
            assert client.get("/help").status_code == 200
        assert not [s for s in statements
                    if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        return len(statements)
    few = cost()
    with app.test_request_context():
        category = faq.save_category(None, "More", 5)
        for n in range(12):
            faq.save_entry(None, category_id=category.id, question=f"Question {n}?",
                           answer_md=f"Answer {n}.")
        db.session.commit()
    client.get("/help")
    assert cost() == few


# The back office -----------------------------------------------------------------------------

def test_customers_cannot_open_the_back_office_questions(client, customer, entries):
    assert client.get("/admin/faq").status_code == 403
    token = csrf_of(text(client.get("/help")))
    response = client.post(f"/admin/faq/{entries['washer']}/delete", data={"csrf_token": token})
    assert response.status_code == 403


def test_the_merchant_sees_vote_counts(app, client, entries, make, login):
    """Yes and No counts per question on /admin/faq."""
    token = csrf_of(text(client.get("/help")))
    vote(client, entries["washer"], "no", token)
    login(make.user(email="owner@example.com", merchant=True))
    page = text(client.get("/admin/faq"))
    row = re.search(r"Can the bowls go in the dishwasher\?</a></th>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row)[-2:] == ["0", "1"]


def test_the_merchant_adds_edits_and_deletes_a_question(app, client, merchant, entries):
    """A question in two languages, changed, then deleted; the help page follows."""
    form = text(client.get("/admin/faq/new"))
    care_id = re.search(r'<option value="(\d+)">Care</option>', form).group(1)
    token = csrf_of(form)
    response = client.post("/admin/faq/new", data={
        "csrf_token": token, "category_id": care_id, "question": "Do you gift wrap?",
        "answer_md": "Yes, *free*.", "position": "3", "published": "y",
        "question_ko": "선물 포장 되나요?", "answer_md_ko": "네, 무료입니다."})
    assert response.status_code == 303
    with app.app_context():
        entry_id = db.session.scalar(db.select(FaqEntry.id).where(FaqEntry.question == "Do you gift wrap?"))
    assert "Do you gift wrap?" in text(client.get("/help"))
    assert answers_shown(text(client.get("/help?q=선물"))) == [str(entry_id)]
    response = client.post(f"/admin/faq/{entry_id}", data={
        "csrf_token": token, "category_id": care_id, "question": "Do you wrap gifts?",
        "answer_md": "Yes.", "position": "3"})
    assert response.status_code == 303
    page = text(client.get("/help"))
    assert "Do you wrap gifts?" in page and "Do you gift wrap?" not in page
    assert client.post(f"/admin/faq/{entry_id}/delete", data={"csrf_token": token}).status_code == 303
    assert str(entry_id) not in answers_shown(text(client.get("/help")))


def test_an_empty_question_is_refused_with_a_message_and_nothing_saved(app, client, merchant, entries):
    """The form comes back with 422 and says what is missing."""
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(FaqEntry.id)))
    token = csrf_of(text(client.get("/admin/faq/new")))
    response = client.post("/admin/faq/new", data={
        "csrf_token": token, "category_id": "", "question": "  ", "answer_md": ""})
    page = text(response)
    assert response.status_code == 422
    assert "Please write the question." in page and "Please write the answer." in page
    assert "Please choose a category." in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(FaqEntry.id))) == before
    response = client.post(f"/admin/faq/{entries['washer']}", data={
        "csrf_token": token, "category_id": "", "question": "", "answer_md": "x"})
    assert response.status_code == 422
    assert "Can the bowls go in the dishwasher?" in text(client.get("/help"))


def test_a_generated_answer_cannot_be_overwritten(app, client, merchant, entries):
    """The merchant rewords a generated question, but its answer stays drawn from the rules."""
    with app.app_context():
        entry = db.session.scalar(db.select(FaqEntry).where(FaqEntry.generated == "shipping_cost"))
        entry_id, category_id = entry.id, entry.category_id
    form = text(client.get(f"/admin/faq/{entry_id}"))
    assert 'name="answer_md"' not in form and "written from your rules" in form
    assert 'href="/admin/settings"' in form
    response = client.post(f"/admin/faq/{entry_id}", data={
        "csrf_token": csrf_of(form), "category_id": str(category_id),
        "question": "What does delivery cost?", "answer_md": "Always free!", "position": "0",
        "published": "y"})
    assert response.status_code == 303
    page = text(client.get("/help"))
    assert "What does delivery cost?" in page and "Always free!" not in page
    assert "Standard: ₩3,000" in page


def test_the_merchant_adds_the_generated_answers_with_one_button(app, client, merchant):
    """A shop without them is offered the button; after it, the help page answers from the rules."""
    page = text(client.get("/admin/faq"))
    assert "Add the answers generated from your rules" in page
    response = client.post("/admin/faq/generated", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert "Add the answers generated from your rules" not in text(client.get("/admin/faq"))
    help_page = text(client.get("/help"))
    assert "How long do I have to return?" in help_page and "When will my order arrive?" in help_page


def test_a_topic_needs_a_name_and_one_with_questions_is_not_deleted(app, client, merchant, entries):
    """Clear messages; nothing changes."""
    page = text(client.get("/admin/faq"))
    token = csrf_of(page)
    response = client.post("/admin/faq/topics", data={"csrf_token": token, "name": " "})
    assert response.status_code == 422 and "Please give the category a name." in text(response)
    with app.app_context():
        care_id = db.session.scalar(db.select(FaqEntry.category_id).where(FaqEntry.id == entries["washer"]))
    response = client.post(f"/admin/faq/topics/{care_id}/delete", data={"csrf_token": token})
    assert response.status_code == 422 and "still has questions" in text(response)
    assert "Can the bowls go in the dishwasher?" in text(client.get("/help"))


def test_the_help_page_is_cached_a_vote_keeps_it_and_a_rule_change_shows_at_once(
        app, client, entries, count_queries):
    """The second view costs no query; a vote leaves the cached pages alone; a changed shipping
    price or question shows on the very next view."""
    client.get("/help")
    with count_queries() as statements:
        client.get("/help")
    assert statements == []
    voter = app.test_client()
    vote(voter, entries["washer"], "yes", csrf_of(text(voter.get("/help"))))
    with count_queries() as statements:
        client.get("/help")
    assert statements == []
    with app.test_request_context():
        from domain.models import ShippingMethod
        method = db.session.scalar(db.select(ShippingMethod))
        method.price = 4500
        entry = db.session.get(FaqEntry, entries["cup"])
        faq.save_entry(entry, category_id=entry.category_id, question="Is every cup unique?",
                       answer_md=entry.answer_md, position=entry.position)
        db.session.commit()
    page = text(client.get("/help"))
    assert "Standard: ₩4,500" in page and "Is every cup unique?" in page
