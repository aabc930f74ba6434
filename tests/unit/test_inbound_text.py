"""What an emailed message adds to a conversation: its new text, without the quoted previous
message, the HTML part read as text when there is no plain one, capped in length."""
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from domain.helpdesk.inbound_text import body_text, capped, html_to_text, strip_quoted


@pytest.mark.parametrize("reply, new", [
    # Gmail, its attribution wrapped onto two lines.
    ("Still not here.\n\nOn Sun, Dec 6, 2026 at 3:00 PM Moonjar <hello+C-7KQ4D2M.abc@moonjar"
     ".example>\nwrote:\n> It left today.\n> Moonjar\n", "Still not here."),
    # Apple Mail, one line.
    ("Thanks!\n\nOn 6 Dec 2026, at 15:00, Moonjar <hello@moonjar.example> wrote:\n\n"
     "> It left today.\n", "Thanks!"),
    # Gmail in Korean.
    ("네, 확인했습니다.\n감사합니다.\n\n2026년 12월 6일 (일) 오후 3:00, 고객 <a@b.c>님이 작성:\n"
     "> 안녕하세요\n", "네, 확인했습니다.\n감사합니다."),
    # Gmail in Korean, wrapped before "작성:".
    ("좋아요\n\n2026년 12월 6일 (일) 오후 3:00, Moonjar <hello@moonjar.example>님이\n작성:\n\n"
     "> 발송했습니다\n", "좋아요"),
    # Outlook: the old message below a separator, not quoted with ">".
    ("See the photo.\n\n-----Original Message-----\nFrom: Moonjar\nSent: Sunday\n\nIt left.",
     "See the photo."),
    ("Fine.\n\nFrom: Moonjar <hello@moonjar.example>\nSent: Sunday, December 6, 2026 3:00 PM\n"
     "To: Ann\n\nIt left.", "Fine."),
    # Answers between quoted lines: the answers stay, the quotes go.
    ("> Which colour?\nBlue.\n> Which size?\nLarge.", "Blue.\nLarge."),
])
def test_the_quoted_previous_message_is_stripped(reply, new):
    assert strip_quoted(reply) == new


def test_words_that_only_look_like_an_attribution_stay():
    text = "On Monday I will be home.\nPlease deliver then.\n보고서를 작성: 완료"
    assert strip_quoted(text) == text
    # "작성:" in the customer's own sentence, the line before a real attribution.
    assert strip_quoted("계약서 작성:\n네\n\n2026년 12월 6일 (일) 오후 3:00, 고객 <a@b.c>님이 "
                        "작성:\n> 옛 글") == "계약서 작성:\n네"


def test_a_message_that_is_only_a_quote_is_kept_whole():
    assert strip_quoted("> forwarded words\n> more") == "> forwarded words\n> more"


def test_html_becomes_text_without_tags_scripts_or_styles():
    markup = ("<style>p {color: red}</style><p>Hi &amp; hello&nbsp;there,</p>"
              "<div>line<br>break</div><script>alert('x')</script><p>&lt;b&gt; stays text</p>")
    assert html_to_text(markup) == "Hi & hello there,\nline\nbreak\n<b> stays text"


def _message(plain=None, html=None):
    message = EmailMessage()
    message["From"] = "a@b.c"
    if plain is not None:
        message.set_content(plain)
    if html is not None:
        if plain is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    message.add_attachment(b"\x89PNG...", maintype="image", subtype="png", filename="a.png")
    return BytesParser(policy=policy.default).parsebytes(message.as_bytes())


def test_the_plain_part_is_preferred_and_html_is_the_fallback():
    assert body_text(_message(plain="Plain words\n", html="<p>Rich words</p>")) == "Plain words\n"
    assert body_text(_message(html="<p>Only rich</p><p>words</p>")) == "Only rich\nwords"
    assert body_text(_message(plain="  \n", html="<p>Rich after an empty plain part</p>")) \
        == "Rich after an empty plain part"


def test_a_mislabelled_charset_is_read_with_replacements_not_an_error():
    raw = (b"From: a@b.c\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n"
           b"caf\xc3\xa9 \xff\r\n")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert body_text(message).startswith("café ")


def test_a_long_message_is_cut_with_a_note_within_the_limit():
    note = "[cut]"
    assert capped("short", 100, note) == "short"
    long = capped("word " * 5000, 10_000, note)
    assert len(long) <= 10_000 and long.endswith("\n\n[cut]") and long.startswith("word word")
