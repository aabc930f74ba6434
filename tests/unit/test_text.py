"""Merchant Markdown: rendered safely, headings kept under the page's own title."""
from domain.text import plain_text, render_markdown, sanitize_html


def test_headings_move_one_level_down_and_are_kept():
    """'# Care' becomes an <h2> (the page's <h1> is the product), '#####' an <h6>."""
    html = render_markdown("# Care\n\n##### Small print")
    assert "<h2>Care</h2>" in html
    assert "<h6>Small print</h6>" in html
    assert "<h1>" not in html


def test_raw_html_and_script_links_are_inert():
    """Typed HTML shows as text and javascript: links are not links."""
    html = render_markdown('<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.example)')
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert 'href="https://a.example"' in html


def test_plain_text_unescapes_entities_for_search():
    """Search text holds the words as written, not HTML entities."""
    assert plain_text("Salt & pepper **set**") == "Salt & pepper set"


def test_imported_html_loses_scripts_and_handlers():
    """Body HTML from an import keeps formatting and drops scripts and event handlers."""
    html = sanitize_html('<p onclick="x()">Hi <b>there</b><script>bad()</script><img src=x onerror=y></p>')
    assert html == "<p>Hi <b>there</b></p>"
