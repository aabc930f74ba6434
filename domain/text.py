"""Merchant-written Markdown, rendered once and sanitised with nh3 before it is stored."""
import html as htmllib
import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(source):
    """Safe HTML from Markdown: raw HTML is escaped, links limited to http(s) and mailto.

    Headings move one level down (# becomes <h2>): the page's own <h1> is the product's title.
    """
    env = {}
    tokens = _md.parse(source or "", env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    html = _md.renderer.render(tokens, _md.options, env)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener nofollow ugc")


def plain_text(source):
    """The words of a Markdown text, for search and summaries."""
    html = _md.render(source or "")
    text = nh3.clean(html, tags=set())
    return re.sub(r"\s+", " ", htmllib.unescape(text)).strip()


def sanitize_html(html):
    """Clean HTML that came from elsewhere (an imported product's body HTML)."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener nofollow ugc")
