"""The product page's reviews: the summary and bars from the product row, sorted and paged
reviews (htmx fragment and plain links), each with its verified mark, variant, photos, reply and
thank-you label; stars on listings; the JSON-LD; and the page cache."""
import hashlib
import hmac
import json
import re

import pytest

from domain import storefront_version, transaction
from domain.extensions import db
from domain.models import Review, ReviewVote
from domain.reviews import moderation
from tests.order_helpers import NOW
from tests.review_listing_helpers import publish

XSS = '</script><script>alert(1)</script><img src=x onerror=alert(2)>"\'&'


@pytest.fixture
def shop(app, make):
    app.config["CLOCK"] = lambda: NOW
    make.settings(name="Moonjar", currency="KRW")
    category = make.category("Ceramics")
    jar = make.product("Moon jar", price=120000, category_id=category["id"])
    bowl = make.product("Tea bowl", price=25000, category_id=category["id"])
    return {"jar": jar, "bowl": bowl, "category": category}


def titles(html):
    return re.findall(r'<h3 id="review-\d+-title">([^<]*)</h3>', html)


def page_of(client, path, **kwargs):
    response = client.get(path, **kwargs)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def review_html(html, review_id):
    start = html.index(f'<li class="review" id="review-{review_id}">')
    return html[start:html.index("</li>", html.index("</article>", start))]


def helpful_count(app, review_id):
    with app.app_context():
        return db.session.get(Review, review_id).helpful_count


def test_the_product_page_shows_average_count_bars_and_only_published_reviews(app, client, shop):
    """4, 4, 5 and a 1 published: 3.5 of 5, four reviews, the bars; pending and hidden ones not."""
    jar = shop["jar"]["id"]
    for n, rating in enumerate((4, 4, 5, 1)):
        publish(app, jar, rating, n, title=f"Shown {n}")
    publish(app, jar, 1, 10, status="pending", title="Waiting for the merchant")
    hidden = publish(app, jar, 2, 11, title="Taken down")
    with app.test_request_context():
        with transaction.unit_of_work():
            moderation.hide(db.session.get(Review, hidden), "Not about the jar", NOW)

    html = page_of(client, "/products/moon-jar")
    assert "3.5 out of 5" in html and "4 reviews" in html
    bars = re.findall(r'<span id="bar-(\d)" class="bar-label">[^<]*</span>\s*'
                      r'<meter min="0" max="100" value="(\d+)"[^>]*>[^<]*</meter>\s*'
                      r'<span class="bar-count">([^<]*)</span>', html)
    assert bars == [("5", "25", "1 review"), ("4", "50", "2 reviews"), ("3", "0", "0 reviews"),
                    ("2", "0", "0 reviews"), ("1", "25", "1 review")]
    assert sorted(titles(html)) == ["Shown 0", "Shown 1", "Shown 2", "Shown 3"]
    assert "Waiting for the merchant" not in html and "Taken down" not in html
    assert "Not about the jar" not in html
    # The tea bowl has none: it says so, and links the policy all the same.
    bowl = page_of(client, "/products/tea-bowl")
    assert "No reviews yet." in bowl and 'href="/policies/reviews"' in bowl
    assert "AggregateRating" not in bowl


def test_each_review_shows_verified_mark_date_variant_photo_and_the_shops_reply(app, client,
                                                                              shop):
    """What a shopper reads with a review, and no photo file name anywhere."""
    review = publish(app, shop["jar"]["id"], 5, 1, photo=True, title="Glaze like milk",
                     body="Heavier than it looks.\nWorth it.", variant_title="Large / White",
                     recommend=True, reply="Thank you for the photo!")
    html = review_html(page_of(client, "/products/moon-jar"), review)
    assert "Verified purchase" in html and "Buyer 1" in html
    assert '<time datetime="2026-03-03T09:01+00:00">Mar 3, 2026</time>' in html
    assert "Bought: Large / White" in html and "Recommends this product" in html
    assert "Heavier than it looks.\nWorth it." in html
    assert "Reply from Moonjar" in html and "Thank you for the photo!" in html
    with app.app_context():
        key = db.session.get(Review, review).photos[0].key
    assert f'src="/reviews/photos/{key}.webp"' in html
    assert 'alt="Photo 1 of 1 from this review"' in html and "IMG_0001" not in html
    assert client.get(f"/reviews/photos/{key}.webp").status_code == 200


def test_a_thank_you_review_says_so_at_its_start_in_the_shoppers_language(app, client, shop):
    """"Reviewed with a thank-you credit" / "적립금 지급 리뷰" before anything else of it."""
    credited = publish(app, shop["jar"]["id"], 2, 1, title="Chipped rim", incentive="credit")
    plain = publish(app, shop["jar"]["id"], 5, 2, title="Perfect")
    coded = publish(app, shop["jar"]["id"], 4, 3, title="Nice", incentive="code")
    html = page_of(client, "/products/moon-jar")
    first = review_html(html, credited)
    label = first.index("Reviewed with a thank-you credit")
    assert label < first.index('class="stars') < first.index("Chipped rim")
    assert "thank-you" not in review_html(html, plain)
    assert "Reviewed with a thank-you code" in review_html(html, coded)
    korean = page_of(client, "/products/moon-jar", headers={"Accept-Language": "ko"})
    first = review_html(korean, credited)
    assert first.index("적립금 지급 리뷰") < first.index('class="stars')
    assert "적립금 지급 리뷰" not in review_html(korean, plain)
    # The review orders read as orders of reviews, not of the catalogue's new products.
    sorts = korean[korean.index('class="review-sorts"'):]
    sorts = sorts[:sorts.index("</nav>")]
    assert "최신순" in sorts and "신상품" not in sorts


def test_reviews_sort_newest_helpful_lowest_and_with_photos(app, client, shop):
    """Each order as named; an unknown sort gives the newest first."""
    jar = shop["jar"]["id"]
    old = publish(app, jar, 3, 1, title="Old, with a photo", photo=True)
    mid = publish(app, jar, 1, 2, title="Middle, lowest")
    new = publish(app, jar, 5, 3, title="New")
    with app.app_context():
        db.session.get(Review, mid).helpful_count = 4
        db.session.get(Review, old).helpful_count = 2
        db.session.commit()
    order = {sort: titles(page_of(client, f"/products/moon-jar/reviews?sort={sort}"))
             for sort in ("newest", "helpful", "lowest", "photos", "nonsense")}
    assert order["newest"] == ["New", "Middle, lowest", "Old, with a photo"]
    assert order["helpful"] == ["Middle, lowest", "Old, with a photo", "New"]
    assert order["lowest"] == ["Middle, lowest", "Old, with a photo", "New"]
    assert order["photos"] == ["Old, with a photo", "New", "Middle, lowest"]
    assert order["nonsense"] == order["newest"]
    assert titles(page_of(client, "/products/moon-jar")) == order["newest"]
    assert new


def test_ten_reviews_a_page_with_htmx_fragments_and_plain_links(app, client, shop):
    """12 reviews: 10 then 2; htmx gets only the section, a browser without JS a whole page."""
    for n in range(12):
        publish(app, shop["jar"]["id"], 1 + n % 5, n, title=f"Review {n:02d}")
    product_page = page_of(client, "/products/moon-jar")
    assert len(titles(product_page)) == 10 and "Page 1 of 2" in product_page
    nxt = re.search(r'<a rel="next" href="([^"]+)"', product_page).group(1)
    assert re.search(r'<a rel="next" href="[^"]+" hx-get="[^"]+" hx-target="#reviews" '
                     r'hx-swap="outerHTML"', product_page)
    url = nxt.replace("&amp;", "&")
    assert url.startswith("/products/moon-jar/reviews?") and "page=2" in url and "sort=newest" in url

    whole = page_of(client, url)
    assert titles(whole) == ["Review 01", "Review 00"] and "<h1>Reviews of Moon jar</h1>" in whole
    assert "Page 2 of 2" in whole and 'rel="prev"' in whole and "<html" in whole

    fragment = client.get(url, headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="reviews"') and "<html" not in body
    assert titles(body) == ["Review 01", "Review 00"]
    assert "HX-Request" in fragment.headers["Vary"]
    # Nothing inside inherits the section's swap: each form and link names its own target.
    assert body.count('hx-target="this"') == 2
    assert all('hx-target="#reviews"' in link for link in re.findall(r"<a [^>]*hx-get[^>]*>", body))
    # A page past the end shows the last one; nonsense the first.
    assert "Page 2 of 2" in page_of(client, "/products/moon-jar/reviews?page=99")
    assert "Page 1 of 2" in page_of(client, "/products/moon-jar/reviews?page=abc")
    assert client.get("/products/no-such-thing/reviews").status_code == 404


def vote(client, review_id, token, **kwargs):
    return client.post(f"/reviews/{review_id}/helpful?sort=lowest&page=1",
                       data={"csrf_token": token}, **kwargs)


def token_of(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_helpful_counts_once_per_visitor_without_signing_in(app, client, shop):
    """A first vote counts, the same visitor's second does not, another visitor's does; the
    table keeps only a keyed hash of the visitor's token."""
    review = publish(app, shop["jar"]["id"], 5, 1, title="Good")
    response = vote(client, review, token_of(page_of(client, "/products/moon-jar")))
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"/products/moon-jar/reviews?sort=lowest&page=1&helpful={review}#review-{review}")
    thanks = review_html(page_of(client, response.headers["Location"]), review)
    assert "Thanks: you marked this review helpful." in thanks and "Helpful (1)" in thanks
    again = vote(client, review, token_of(page_of(client, "/products/moon-jar")))
    assert again.status_code == 303 and helpful_count(app, review) == 1

    other = app.test_client()
    vote(other, review, token_of(page_of(other, "/products/moon-jar")))
    assert helpful_count(app, review) == 2
    with client.session_transaction() as session:
        token = session["visitor"]
    with app.app_context():
        stored = set(db.session.scalars(db.select(ReviewVote.voter)))
    assert len(stored) == 2 and token not in stored
    assert hmac.new(app.secret_key.encode(), ("review-voter:" + token).encode(),
                    hashlib.sha256).hexdigest() in stored
    assert hashlib.sha256(("review-voter:" + token).encode()).hexdigest() not in stored


def test_an_htmx_vote_swaps_only_its_form(app, client, shop):
    """htmx gets the review's form back with the new count and a word of thanks."""
    review = publish(app, shop["jar"]["id"], 5, 1, title="Good")
    token = token_of(page_of(client, "/products/moon-jar"))
    body = vote(client, review, token, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert body.lstrip().startswith(f'<form id="helpful-{review}"') and "<html" not in body
    assert "Helpful (1)" in body and 'role="status"' in body and "Thanks" in body
    token = token_of(page_of(client, "/products/moon-jar"))
    body = vote(client, review, token, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "You marked this review helpful already." in body and "Helpful (1)" in body


def test_votes_need_the_form_token_and_a_published_review(app, client, shop):
    """No token or another site's form: 400; a pending review: 404; nothing counted."""
    review = publish(app, shop["jar"]["id"], 5, 1, title="Good")
    pending = publish(app, shop["jar"]["id"], 5, 2, status="pending", title="Later")
    assert client.post(f"/reviews/{review}/helpful", data={}).status_code == 400
    stranger = app.test_client()
    token = token_of(page_of(stranger, "/products/moon-jar"))
    assert vote(stranger, review, token, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 400
    token = token_of(page_of(client, "/products/moon-jar"))
    assert vote(client, pending, token).status_code == 404
    assert vote(client, 999, token).status_code == 404
    assert helpful_count(app, review) == 0 and helpful_count(app, pending) == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ReviewVote.id))) == 0


def test_votes_are_rate_limited_with_a_clear_message(app, client, shop):
    """Ten votes a minute from one place; the eleventh is refused with 429 and not counted."""
    ids = [publish(app, shop["jar"]["id"], 5, n, title=f"R{n}") for n in range(11)]
    for review in ids[:10]:
        # The first vote starts the visitor's session: their pages then carry its own token.
        token = token_of(page_of(client, "/products/moon-jar"))
        assert vote(client, review, token).status_code == 303
    refused = vote(client, ids[10], token)
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
    assert helpful_count(app, ids[10]) == 0


def test_a_vote_keeps_the_shops_cached_pages(app, client, shop):
    """A vote moves no storefront version (every cached page would be drawn again); a
    published review does."""
    review = publish(app, shop["jar"]["id"], 5, 1, title="Good")
    token = token_of(page_of(client, "/products/moon-jar"))
    with app.app_context():
        before = storefront_version.current()
    vote(client, review, token)
    with app.app_context():
        assert storefront_version.current() == before
    publish(app, shop["jar"]["id"], 3, 2, title="Another")
    with app.app_context():
        assert storefront_version.current() != before
    assert "Another" in page_of(app.test_client(), "/products/moon-jar")


def test_listings_and_search_show_stars_and_count(app, client, shop):
    """Cards of reviewed products carry the average and count; others none."""
    publish(app, shop["jar"]["id"], 5, 1)
    publish(app, shop["jar"]["id"], 4, 2)
    for path in ("/c/ceramics", "/search?q=jar", "/search?q=moon"):
        html = page_of(client, path)
        assert 'aria-label="Rated 4.5 out of 5"' in html and "2 reviews" in html, path
    bowl = page_of(client, "/search?q=bowl")
    assert "card-rating" not in bowl
    korean = page_of(client, "/c/ceramics", headers={"Accept-Language": "ko"})
    assert "card-rating" in korean and "Rated" not in korean


def schema_of(html):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return found.group(1)


def test_the_product_page_carries_product_rating_and_review_json_ld(app, client, shop):
    """schema.org Product + AggregateRating + Review, read back exactly as written."""
    publish(app, shop["jar"]["id"], 4, 1, title="Solid", body="Good weight", author_name="Mina K.")
    publish(app, shop["jar"]["id"], 5, 2)
    data = json.loads(schema_of(page_of(client, "/products/moon-jar")))
    assert data["@type"] == "Product" and data["name"] == "Moon jar"
    assert data["aggregateRating"] == {"@type": "AggregateRating", "ratingValue": 4.5,
                                       "reviewCount": 2, "bestRating": 5, "worstRating": 1}
    assert data["offers"]["price"] == "120000" and data["offers"]["priceCurrency"] == "KRW"
    solid = next(r for r in data["review"] if r.get("name") == "Solid")
    assert solid["author"] == {"@type": "Person", "name": "Mina K."}
    assert solid["reviewRating"]["ratingValue"] == 4 and solid["reviewBody"] == "Good weight"
    assert solid["datePublished"] == "2026-03-03"


def test_review_text_renders_inert_on_the_product_page_in_html_and_json_ld(app, client, shop):
    """Title, text, reply, name and variant with markup show as text, and none ends the script."""
    review = publish(app, shop["jar"]["id"], 1, 1, title=XSS, body=XSS, reply=XSS,
                     author_name=XSS[:80], variant_title=XSS)
    for path in ("/products/moon-jar", "/products/moon-jar/reviews?sort=lowest"):
        html = page_of(client, path)
        assert "<script>alert(1)" not in html and "<img src=x" not in html, path
        assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in review_html(html, review)
    html = page_of(client, "/products/moon-jar")
    script = schema_of(html)
    assert "</script" not in script and "<" not in script
    data = json.loads(script)
    assert data["review"][0]["name"] == XSS and data["review"][0]["reviewBody"] == XSS
