"""The whole journey of a review on a phone: the worker emails the review request a week after
delivery, the customer opens its link and reviews both items with a photo, the merchant
publishes them and replies in the back office, and the product page shows the new average,
bars, verified mark, thank-you label and reply."""
import re
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

import worker
from blueprints.mail import renderer
from domain import mailer
from domain.extensions import db
from domain.models import Order, OutboxMessage, Review, ScheduledJob
from domain.reviews import moderation
from tests.review_helpers import delivered, jpeg, product_counts, review_shop

# Delivered at NOW (2026-03-03 09:00 UTC, 18:00 in Seoul): the request is due seven Seoul days
# later, from 10:00 Seoul.
DUE = datetime(2026, 3, 10, 1, 0, tzinfo=timezone.utc)
EARLIER = datetime(2026, 2, 20, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def shop(app, make):
    """A Seoul shop thanking every review with ₩1,000 of credit; a customer's order of a moon
    jar and a tea bowl delivered on 3 March; the moon jar already has one published 3-star
    review from an earlier buyer."""
    setup = review_shop(make, timezone="Asia/Seoul", review_request_days=7,
                        review_reminder_days=7, review_incentive="credit",
                        review_incentive_amount=1000)
    earlier = delivered(app, setup, items={str(setup["variant"]): 1}, email="jiwoo@example.com",
                        now=EARLIER, token="tok-earlier")
    with app.app_context():
        line = db.session.get(Order, earlier["id"]).lines[0]
        review = Review(product_id=line.product_id, reviewer="email:jiwoo@example.com",
                        email="jiwoo@example.com", order_id=earlier["id"], order_line_id=line.id,
                        variant_title=line.variant_title, author_name="Jiwoo P.", rating=3,
                        title="Fine jar", body="A little smaller than I thought.",
                        created_at=EARLIER + timedelta(days=3))
        db.session.add(review)
        db.session.flush()
        moderation.publish(review, EARLIER + timedelta(days=4))
        db.session.commit()
    customer = make.user(email="minji@example.com", name="Kim Minji")
    order = delivered(app, setup, user_id=customer["id"], email=customer["email"],
                      token="tok-minji")
    return {"customer": customer, "order": order}


def run_review_requests(app, tmp_path, when):
    """One due run of the worker's review-requests job at `when`, as the worker runs it."""
    app.config["CLOCK"] = lambda: when
    with app.app_context():
        db.session.execute(db.update(ScheduledJob).values(next_due_at=when))
        db.session.commit()
    transport = mailer.EmlTransport(str(tmp_path / "sent"))
    worker.run_jobs(app, transport, renderer(app), lambda line: None,
                    registry=worker._only(["review-requests"]))


def emailed_form_link(app, to):
    """The review form's address in the text of the review request queued for `to`."""
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "review_request", OutboxMessage.to_address == to))
        assert message is not None, "no review request was queued"
        email = message_from_bytes(renderer(app)(message).as_bytes(), policy=policy.default)
    text = next(part.get_content() for part in email.walk()
                if part.get_content_type() == "text/plain")
    assert "Moon jar" in text and "Tea bowl" in text
    link = re.search(r"https?://\S+/review\?t=\S+", text).group(0)
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def test_from_the_emailed_request_to_a_published_review_with_a_reply(
        app, make, shop, phone, browser, browser_context_args, live_server, axe_violations,
        tmp_path):
    """The whole journey, on a 390 px phone, with axe on the form and the product page."""
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    reviews = page.locator("#reviews")
    expect(reviews).to_contain_text("3.0 out of 5")
    expect(reviews).to_contain_text("1 review")

    run_review_requests(app, tmp_path, DUE)
    form = emailed_form_link(app, "minji@example.com")

    # The customer opens the email's link on her phone: no sign-in needed.
    page.goto(live_server + form)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    jar = page.get_by_role("group", name="Your rating of Moon jar")
    jar.get_by_role("radio", name="5 stars").check()
    page.get_by_role("group", name="Your rating of Tea bowl").get_by_role(
        "radio", name="4 stars").check()
    titles = page.get_by_label("Title (optional)")
    titles.nth(0).fill("The jar glows in the morning light")
    titles.nth(1).fill("Steady in the hand")
    photo = tmp_path / "IMG_0423.jpg"
    photo.write_bytes(jpeg(size=(320, 240)))
    page.get_by_label("Photos (optional)").first.set_input_files(str(photo))
    page.get_by_role("button", name="Send my reviews").click()
    expect(page.get_by_text("Thank you! Your 2 reviews were saved.")).to_be_visible()
    expect(page.get_by_role("img", name="Your photo 1 of Moon jar")).to_be_visible()
    assert axe_violations(page) == []
    # Waiting for the merchant: the product page has not changed yet.
    page.goto(f"{live_server}/products/moon-jar")
    expect(page.locator("#reviews")).to_contain_text("3.0 out of 5")

    # The merchant publishes both and replies to the jar's review.
    merchant = make.user(email="owner@example.com", merchant=True)
    office = browser.new_context(**browser_context_args).new_page()
    office.goto(f"{live_server}/account/login")
    office.get_by_label("Email").fill(merchant["email"])
    office.get_by_label("Password").fill(merchant["password"])
    office.get_by_role("button", name="Sign in").click()
    expect(office).to_have_url(f"{live_server}/admin/")
    office.goto(f"{live_server}/admin/reviews")
    for title in ("The jar glows in the morning light", "Steady in the hand"):
        publish = office.get_by_role("button", name=re.compile(rf"^Publish\W+{title}$"))
        publish.click()
        expect(publish).to_have_count(0)
    office.goto(f"{live_server}/admin/reviews?status=published")
    jar_review = office.locator("article").filter(has_text="The jar glows in the morning light")
    jar_review.locator("summary").filter(has_text=re.compile(r"^Reply")).click()
    jar_review.get_by_label("Public reply").fill("Thank you, Minji! It was fired in our wood kiln.")
    jar_review.get_by_role("button", name="Save the reply").click()
    expect(office.locator("article").filter(has_text="The jar glows in the morning light")
           ).to_contain_text("Thank you, Minji! It was fired in our wood kiln.")
    office.context.close()
    assert product_counts(app, "Moon jar") == (2, 8, [0, 0, 1, 0, 1])
    assert product_counts(app, "Tea bowl") == (1, 4, [0, 0, 0, 1, 0])

    # The product page, for any shopper: new average, bars, verified mark, thank-you, reply.
    page.goto(f"{live_server}/products/moon-jar")
    reviews = page.locator("#reviews")
    expect(reviews).to_contain_text("4.0 out of 5")
    expect(reviews).to_contain_text("2 reviews")
    bars = page.get_by_role("list", name="Reviews by stars")
    expect(bars.get_by_role("meter", name="5 stars")).to_have_attribute("value", "50")
    expect(bars.get_by_role("meter", name="3 stars")).to_have_attribute("value", "50")
    expect(bars.get_by_role("meter", name="4 stars")).to_have_attribute("value", "0")
    mine = page.get_by_role("article", name="The jar glows in the morning light")
    expect(mine).to_contain_text("Verified purchase")
    expect(mine).to_contain_text("Reviewed with a thank-you credit")
    expect(mine).to_contain_text("Thank you, Minji! It was fired in our wood kiln.")
    photo = mine.get_by_role("img", name=re.compile("Photo 1 of 1"))
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.decode().then(() => img.naturalWidth, () => 0)") > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
