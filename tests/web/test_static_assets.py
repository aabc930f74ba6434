"""Static files reach phones compressed, and versioned URLs are cached for a year."""
import brotli
import gzip
import re

import pytest


def asset_urls(client):
    html = client.get("/").get_data(as_text=True)
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_css_and_htmx_arrive_compressed(client, encoding, decode):
    """A browser that accepts br or gzip gets the CSS and htmx compressed, to the same bytes."""
    urls = asset_urls(client)
    assert any(u.startswith("/static/css/site.css?v=") for u in urls)
    assert any(u.startswith("/static/vendor/htmx-") for u in urls)
    for url in urls:
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        packed = client.get(url, headers={"Accept-Encoding": f"{encoding}, deflate"})
        assert packed.headers["Content-Encoding"] == encoding
        # A script of a few hundred bytes (share.js) is mostly the format's own overhead.
        assert len(packed.data) < len(plain.data) / 2 or len(packed.data) < 400
        assert decode(packed.data) == plain.data
        assert "Accept-Encoding" in packed.headers["Vary"]


def test_versioned_urls_are_cached_for_a_year_and_stale_ones_briefly(client):
    """The hash in the URL makes a year safe; a wrong or missing hash gets five minutes."""
    url = next(u for u in asset_urls(client) if "site.css" in u)
    assert "max-age=31536000" in client.get(url).headers["Cache-Control"]
    assert "immutable" in client.get(url).headers["Cache-Control"]
    stale = client.get("/static/css/site.css?v=000000000000")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "public, max-age=300"


def test_a_revisit_with_the_etag_costs_no_body(client):
    """A browser revalidating an unchanged file gets 304 and no bytes."""
    url = next(u for u in asset_urls(client) if "site.css" in u)
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("path", ["/static/nope.css", "/static/../shop.py", "/static/%2e%2e/shop.py",
                                  "/static/css/../../shop.py"])
def test_missing_files_and_paths_outside_static_are_not_found(client, path):
    """Nothing outside static/ is ever served."""
    response = client.get(path)
    assert response.status_code == 404
    assert b"create_app" not in response.data


def test_the_stylesheet_is_sent_without_its_comments_and_keeps_every_rule(client):
    """Comments are for whoever edits the stylesheet: a phone gets every rule without them."""
    from pathlib import Path
    source = (Path(client.application.static_folder) / "css" / "site.css").read_text()
    url = next(u for u in asset_urls(client) if u.startswith("/static/css/site.css?v="))
    sent = client.get(url, headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    assert "/*" in source and "/*" not in sent and "*/" not in sent
    assert len(sent) < len(source)
    without = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    rule = re.compile(r"[^{}]+\{[^{}]*\}")
    assert [r.strip() for r in rule.findall(without)] == [r.strip() for r in rule.findall(sent)]
    assert '.stars::before { content: "★★★★★"; color: var(--line); }' in sent
