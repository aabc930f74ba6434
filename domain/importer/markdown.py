"""Imported HTML as Markdown, and what of it the shop's descriptions cannot hold.

The back office edits descriptions as Markdown and escapes raw HTML, so an imported body is
stored as sanitised HTML (shown as it was) and as Markdown written for the same tags.
"""
import re
from html.parser import HTMLParser

from flask_babel import ngettext


class _Markdown(HTMLParser):
    """Markdown for the tags sanitize_html lets through (domain.text.ALLOWED_TAGS)."""

    # render_markdown moves headings one level down (# is <h2>), so <h2> is written as #.
    BLOCK = {"p": "", **{f"h{n}": "#" * (n - 1) + " " for n in range(2, 7)}}
    INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = [[]]  # output buffers; links, quotes and table cells open their own
        self.lists, self.rows, self.hrefs, self.pre = [], [], [], False

    def emit(self, text):
        self.stack[-1].append(text)

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCK:
            self.emit("\n\n" + self.BLOCK[tag])
        elif tag in self.INLINE and not self.pre:
            self.emit(self.INLINE[tag])
        elif tag in ("ul", "ol"):
            self.emit("" if self.lists else "\n")  # a nested list stays inside its item
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            kind = self.lists[-1]
            kind[1] += 1
            marker = "- " if kind[0] == "ul" else f"{kind[1]}. "
            self.emit("\n" + "   " * (len(self.lists) - 1) + marker)
        elif tag == "br":
            self.emit("  \n")
        elif tag == "hr":
            self.emit("\n\n---\n\n")
        elif tag == "pre":
            self.pre = True
            self.emit("\n\n```\n")
        elif tag in ("a", "blockquote", "th", "td"):
            if tag == "a":
                self.hrefs.append(dict(attrs).get("href") or "")
            self.stack.append([])
        elif tag == "tr":
            self.rows.append([])

    def handle_endtag(self, tag):
        if tag in self.INLINE and not self.pre:
            self.emit(self.INLINE[tag])
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.emit("" if self.lists else "\n\n")
        elif tag == "pre":
            self.pre = False
            self.emit("\n```\n\n")
        elif tag == "a" and len(self.stack) > 1:
            text, href = "".join(self.stack.pop()), self.hrefs.pop()
            self.emit(f"[{text}]({href})" if href else text)
        elif tag == "blockquote" and len(self.stack) > 1:
            text = "".join(self.stack.pop()).strip()
            self.emit("\n\n" + "\n".join("> " + line for line in text.splitlines()) + "\n\n")
        elif tag in ("th", "td") and len(self.stack) > 1:
            cell = " ".join("".join(self.stack.pop()).split()).replace("|", "\\|")
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append(cell)
        elif tag == "table" and self.rows:
            width = max(len(r) for r in self.rows)
            lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in self.rows]
            lines.insert(1, "|" + " --- |" * width)
            self.emit("\n\n" + "\n".join(lines) + "\n\n")
            self.rows = []

    def handle_data(self, data):
        if self.pre:
            self.emit(data)
            return
        text = re.sub(r"\s+", " ", data)
        self.emit(re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text))


def html_to_markdown(html):
    """Markdown that renders to (nearly) the same sanitised HTML."""
    parser = _Markdown()
    parser.feed(html or "")
    parser.close()
    text = "".join("".join(part) for part in parser.stack)
    # Trailing spaces go, except the two that make a <br>.
    text = "\n".join(line if line.endswith("  ") else line.rstrip(" ") for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# What sanitize_html removes with its content, and a merchant would miss on the page.
EMBEDS = {"img": "src", "iframe": "src", "video": "src", "embed": "src", "object": "data"}


class _Embeds(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []  # [(tag, address)]

    def handle_starttag(self, tag, attrs):
        if tag in EMBEDS:
            self.found.append((tag, (dict(attrs).get(EMBEDS[tag]) or "").strip()))

    handle_startendtag = handle_starttag


def embedded(html):
    """([image addresses], [other embedded media]) in a description, which the shop drops."""
    parser = _Embeds()
    parser.feed(html or "")
    parser.close()
    images = [src for tag, src in parser.found if tag == "img"]
    media = [src or tag for tag, src in parser.found if tag != "img"]
    return images, media


def dropped_embeds_message(html):
    """A sentence naming the images and videos a description loses, or ""."""
    images, media = embedded(html)
    parts = []
    if images:
        parts.append(ngettext(
            "%(num)d image in Body (HTML) was left out (descriptions hold text; add it as a "
            "product photo): %(sources)s",
            "%(num)d images in Body (HTML) were left out (descriptions hold text; add them as "
            "product photos): %(sources)s", len(images), sources=", ".join(images[:5]) + (
                ", …" if len(images) > 5 else "")))
    if media:
        parts.append(ngettext(
            "%(num)d embedded video or frame in Body (HTML) was left out: %(sources)s",
            "%(num)d embedded videos or frames in Body (HTML) were left out: %(sources)s",
            len(media), sources=", ".join(media[:5]) + (", …" if len(media) > 5 else "")))
    return "; ".join(parts)
