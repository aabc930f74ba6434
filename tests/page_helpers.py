"""Reading and submitting pages as a browser would: the body's text, a form's CSRF token, the
sign-in form."""
import re

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def text(response):
    """The body, with CLDR's narrow no-break space (in "6:00 PM") as a plain space."""
    return response.get_data(as_text=True).replace("\u202f", " ")


def csrf_of(html, where="the page"):
    """The CSRF token of the page's first form."""
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {where}"
    return match.group(1)


def csrf_token(client, path="/"):
    """The CSRF token a page hands out, as a browser would read it from a form."""
    return csrf_of(client.get(path).get_data(as_text=True), path)


def sign_in(client, email, password, next_=None):
    """Send the sign-in form; returns the response, whatever it is."""
    data = {"csrf_token": csrf_token(client, "/account/login"), "email": email,
            "password": password}
    if next_ is not None:
        data["next"] = next_
    return client.post("/account/login", data=data)


def form_values(html, form_id):
    """What a browser sends for the form with that id, untouched: every named input, textarea
    and select (its selected option), checked boxes only."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside, self.values, self.textarea, self.select = False, {}, None, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form":
                self.inside = attrs.get("id") == form_id
            if not self.inside or not attrs.get("name") and tag != "option":
                return
            if tag == "input" and attrs.get("type") not in ("submit", "button"):
                if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                    return
                self.values[attrs["name"]] = attrs.get("value") or ""
            elif tag == "textarea":
                self.textarea = attrs["name"]
                self.values[self.textarea] = ""
            elif tag == "select":
                self.select = attrs["name"]
                self.values.setdefault(self.select, "")
            elif tag == "option" and self.select and "selected" in attrs:
                self.values[self.select] = attrs.get("value", "")

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False
            elif tag == "textarea":
                self.textarea = None
            elif tag == "select":
                self.select = None

        def handle_data(self, data):
            if self.textarea:
                self.values[self.textarea] += data.removeprefix("\n") \
                    if not self.values[self.textarea] else data

    reader = Reader()
    reader.feed(html)
    assert reader.values, f"no form with id {form_id}"
    return reader.values
