"""Error pages: helpful text, and visible to htmx requests instead of silently dropped."""


def test_missing_page_is_a_helpful_404(client):
    """A wrong address shows a page with a way back to the shop."""
    response = client.get("/products/no-such-thing")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and 'href="/"' in html and "<footer" in html


def test_htmx_error_is_retargeted_into_main(client, make):
    """An htmx request that fails gets the message aimed at <main>, not swapped into a box."""
    response = client.get("/products/no-such-thing", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#main"
    assert response.headers["HX-Reswap"] == "innerHTML"
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_boosted_navigation_to_a_missing_page_gets_the_whole_page(client):
    """A boosted link swaps the body, so it gets the full error page."""
    response = client.get("/nowhere", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)
    assert "HX-Retarget" not in response.headers


def test_htmx_config_swaps_error_responses(client):
    """Without swapping 4xx/5xx, htmx would show nothing when a request fails."""
    html = client.get("/").get_data(as_text=True)
    assert '{"code": "[45]..", "swap": true, "error": true}' in html


def test_expired_form_says_nothing_changed(client, make):
    """A POST with a wrong CSRF token explains itself and changes nothing."""
    product = make.product("Mug", stock=5)
    response = client.post("/cart/add", data={"csrf_token": "stale", "variant_id": product["variant_ids"][0]},
                           headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#main"
    assert 'class="badge" aria-hidden="true">0<' in client.get("/cart").get_data(as_text=True)


def test_shipping_policy_states_an_odd_tax_rate_exactly(client, make):
    """10.05 % tax reads '10.05 %', not a rounded or mangled number."""
    make.settings(tax_rate_bp=1005, prices_include_tax=False, currency="USD")
    make.shipping("Ground", price=500)
    html = client.get("/policies/shipping").get_data(as_text=True)
    assert "10.05 % tax" in html
