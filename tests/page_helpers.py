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
