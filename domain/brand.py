"""The shop's brand: its logo, its accent colour, its "About us" story and its social profiles.

The colour is used for links and for the text of buttons drawn on it, both on white, so it is
accepted only with a contrast of at least 4.5:1 against white (WCAG 2.x, level AA for normal
text). The stylesheet that applies it (blueprints/brand) is named by the colour itself, so a
browser keeps it until the colour changes.
"""
import io
import re
from urllib.parse import urlsplit

from flask_babel import gettext as _, lazy_gettext as _l
from PIL import Image

from . import images, storage
from .errors import ShopError
from .extensions import db
from .settings import InvalidSettings
from .shopconfig import LANGUAGES, get_settings_row
from .text import render_markdown

MIN_CONTRAST = 4.5
ABOUT_LIMIT = 20_000
LINK_LIMIT = 300
_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
# The profiles the footer links to: (key, name, the hosts an address of it may be on).
NETWORKS = (
    ("instagram", "Instagram", ("instagram.com",)),
    ("facebook", "Facebook", ("facebook.com", "fb.com")),
    ("youtube", "YouTube", ("youtube.com", "youtu.be")),
    ("x", "X", ("x.com", "twitter.com")),
    ("tiktok", "TikTok", ("tiktok.com",)),
    ("threads", "Threads", ("threads.net", "threads.com")),
    ("naver_blog", _l("Naver Blog"), ("blog.naver.com", "m.blog.naver.com")),
    ("kakao_channel", _l("KakaoTalk channel"), ("pf.kakao.com",)),
)
NETWORK_NAMES = {key: label for key, label, _hosts in NETWORKS}
# The PNG copy of the logo for emails (mail clients that cannot show WebP), at most this wide.
EMAIL_LOGO_WIDTH = 400


def _channel(value):
    value /= 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour):
    """The relative luminance of "#rrggbb" (WCAG 2.x)."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first, second="#ffffff"):
    """The contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def parse_colour(text):
    """"#8A3B12", "8a3b12" or "#a31" -> "#8a3b12"; "" for a blank; ShopError for anything else
    or a colour white text cannot be read on."""
    text = (text or "").strip()
    if not text:
        return ""
    found = _HEX.match(text)
    if not found:
        raise ShopError(_("Write the colour as a hex code like #8a3b12."))
    digits = found.group(1).lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    colour = "#" + digits
    ratio = contrast(colour)
    if ratio < MIN_CONTRAST:
        raise ShopError(_(
            "White text on %(colour)s has a contrast of %(ratio)s:1, and at least 4.5:1 is "
            "needed for people to read links and buttons. Choose a darker colour.",
            colour=colour, ratio=f"{int(ratio * 100) / 100:.2f}"))
    return colour


def soft(colour, keep=0.1):
    """A pale tint of the colour (a tenth of it on white), for backgrounds under dark text."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * keep):02x}" for c in (red, green, blue))


def stylesheet(colour):
    """The CSS that applies the accent colour in the light scheme (the dark scheme keeps its
    own light accent, which dark backgrounds need)."""
    return (f"@media not (prefers-color-scheme: dark){{:root{{--accent:{colour};"
            f"--accent-text:#fff;--accent-soft:{soft(colour)}}}}}\n")


def check_link(key, url, errors):
    """A profile's address: https, on one of the network's hosts, no spaces."""
    url = (url or "").strip()
    if not url:
        return ""
    hosts = next(h for k, _label, h in NETWORKS if k == key)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or any(ch.isspace() for ch in url) or len(url) > LINK_LIMIT \
            or not any(host == h or host.endswith("." + h) for h in hosts):
        errors[f"social_{key}"] = _("Enter the profile's address starting with https://%(host)s/.",
                                    host=hosts[0])
    return url


def save_brand(*, colour, about, social):
    """The accent colour (typed), the About text per language ({lang: Markdown}) and the
    social profiles ({network key: address}). InvalidSettings names each wrong field; nothing
    is changed then."""
    errors = {}
    try:
        colour = parse_colour(colour)
    except ShopError as error:
        errors["colour"] = str(error)
    texts = {}
    for lang in LANGUAGES:
        value = (about.get(lang) or "").strip()
        if len(value) > ABOUT_LIMIT:
            errors[f"about_{lang}"] = _("Please keep this to %(num)d characters.", num=ABOUT_LIMIT)
        if value:
            texts[lang] = value
    links = {}
    for key, _label, _hosts in NETWORKS:
        url = check_link(key, social.get(key), errors)
        if url:
            links[key] = url
    if errors:
        raise InvalidSettings(errors)
    row = get_settings_row()
    row.brand_colour, row.about_md, row.social_links = colour, texts, links
    db.session.flush()
    return row


def social_links(config):
    """[(key, name, address)] in the footer's order."""
    links = config.social_links or {}
    return [(key, label, links[key]) for key, label, _hosts in NETWORKS if links.get(key)]


def about_html(config, locale):
    """The About page in `locale` (else the main language's, else any), as safe HTML; "" when
    the shop has written none."""
    texts = config.about_md or {}
    source = texts.get(locale) or texts.get(config.main_language) or next(
        (value for value in texts.values() if value), "")
    return render_markdown(source) if source else ""


def email_logo_key(key):
    return f"products/{key}-email.png"


def save_logo(data, store=None):
    """Check and store an uploaded logo through the photo pipeline (WebP copies, no metadata)
    with a PNG copy for emails, then set it as the shop's logo. InvalidImage (fit to show) for
    a file that is no image we read; StorageUnavailable when the store is down; nothing is
    changed then."""
    key, width, height = images.store_image(data, store)
    target = storage.products_store(store)
    name = email_logo_key(key)
    if not target.exists(name):
        image = Image.open(io.BytesIO(target.get(images.storage_key(key, width)).data))
        if image.width > EMAIL_LOGO_WIDTH:
            image = image.resize((EMAIL_LOGO_WIDTH,
                                  max(1, round(image.height * EMAIL_LOGO_WIDTH / image.width))),
                                 Image.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        target.put(name, buffer.getvalue(), "image/png")
    row = get_settings_row()
    row.logo_key, row.logo_width, row.logo_height = key, width, height
    db.session.flush()
    return key, width, height


def remove_logo():
    """The shop shows its name instead of a logo. The files stay: they are named by content and
    a product photo could be the same file."""
    row = get_settings_row()
    row.logo_key = row.logo_width = row.logo_height = None
    db.session.flush()


def email_logo(config, shop_url):
    """(address, width, height) of the logo's PNG copy for emails, or None."""
    if not config.logo:
        return None
    key, width, height = config.logo
    shown = min(width, EMAIL_LOGO_WIDTH)
    return (shop_url + storage.MEDIA_PATH + email_logo_key(key), shown,
            max(1, round(height * shown / width)))
