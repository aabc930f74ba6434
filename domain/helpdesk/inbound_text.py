"""The new words of an emailed message: its text (the plain part, or the HTML part turned into
text), without the previous message the mail program quoted below it, and no longer than a
conversation message may be.

Mail programs quote in two ways: an attribution line ("On Sun, Dec 6, 2026 at 3:00 PM Ann
<ann@example.com> wrote:", Gmail's Korean "2026년 12월 6일 (일) 오후 3:00, 고객 <a@b.c>님이
작성:", Outlook's "-----Original Message-----") followed by the old message, which is cut off
there; and "> " lines, which are dropped wherever they are.
"""
import html
import re

import nh3

# What a block element ends with becomes a line break, so paragraphs stay apart as text.
_BLOCK_END = re.compile(
    r"<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote|/table|/ul|/ol|hr)\b[^>]*>", re.IGNORECASE)
# An attribution line may be wrapped by the sender's mail program: tried on one line, then on
# two joined.
_ATTRIBUTIONS = (
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE | re.DOTALL),
    # Gmail and Naver in Korean: "...님이 작성:" / "...작성:"
    re.compile(r"^\s*(\d{4}\s*년.{0,300}|.{0,300}님이\s*)작성\s*:\s*$", re.DOTALL),
    re.compile(r"^\s*-{2,}\s*(Original Message|원본 메시지|Forwarded message|전달된 메시지)\s*-{2,}\s*$",
               re.IGNORECASE),
    # Outlook's header block: "From: Ann <ann@example.com>" then "Sent: ...".
    re.compile(r"^\s*(From|보낸 사람)\s*:\s*.+\n\s*(Sent|Date|보낸 날짜)\s*:", re.IGNORECASE),
)


def html_to_text(markup):
    """Text from an HTML body: tags removed by nh3 (scripts and styles with their content),
    entities unescaped, blank runs collapsed."""
    spaced = _BLOCK_END.sub("\n", markup or "")
    text = html.unescape(nh3.clean(spaced, tags=set()))
    lines = [" ".join(line.split()) for line in text.replace("\xa0", " ").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _part_text(part):
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        # An unknown or lying charset: the bytes as UTF-8, unreadable ones replaced.
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def body_text(message):
    """The message's text: its text/plain part, else its text/html part as text, else ""
    (attachments are never read as text)."""
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        text = _part_text(plain)
        if text.strip():
            return text.replace("\r\n", "\n")
    rich = message.get_body(preferencelist=("html",))
    if rich is not None:
        return html_to_text(_part_text(rich))
    return ""


# The first line of an attribution its mail program wrapped onto a second one.
_ATTRIBUTION_START = re.compile(r"^\s*(On\s|\d{4}\s*년)", re.IGNORECASE)


def _attribution_at(lines, index):
    one = lines[index]
    if any(pattern.match(one) for pattern in _ATTRIBUTIONS[:3]):
        return True
    if index + 1 >= len(lines):
        return False
    two = one + "\n" + lines[index + 1]
    if _ATTRIBUTION_START.match(one) and any(pattern.match(two) for pattern in _ATTRIBUTIONS[:2]):
        return True
    return bool(_ATTRIBUTIONS[3].match(two))


def strip_quoted(text):
    """The new text of a reply: everything from the attribution line of the quoted message on
    is cut, and "> " lines are dropped. A message that is nothing but a quote is kept whole
    (someone forwarding a message means all of it)."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    for index in range(len(lines)):
        if lines[index].strip() and _attribution_at(lines, index):
            lines = lines[:index]
            break
    kept = [line for line in lines if not line.lstrip().startswith(">")]
    new = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return new or (text or "").strip()


def capped(text, limit, note):
    """`text` if it fits in `limit` characters, else its beginning and `note`, within `limit`."""
    if len(text) <= limit:
        return text
    room = limit - len(note) - 2
    return text[:room].rstrip() + "\n\n" + note
