"""`chat-poll` in `make bench`: what an open chat panel costs the server while nothing happens.

A visitor opens a chat through the real routes (the panel, then "Talk to a person"), and wrk
then asks `/chat/poll?after=<the last message>` with that visitor's session cookie, as the open
panel does every 3 seconds: each answer is a 204 from one query (and the shopper's presence
written at most once a minute).
"""
import re

from bench.checkout import Client

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TOKEN_RE = re.compile(r'name="client_token" value="([^"]+)"')
AFTER_RE = re.compile(r'id="chat-after" name="after" value="(\d+)"')


def open_chat(base):
    """Start a chat as a visitor; (the Cookie header, the poll's path)."""
    client = Client(base)
    try:
        status, html = client.request("GET", "/chat")
        csrf, token = CSRF_RE.search(html), TOKEN_RE.search(html)
        if status != 200 or not csrf or not token:
            raise RuntimeError(f"chat bench: /chat answered {status} without its form")
        status, _ = client.request("POST", "/chat/messages", {
            "csrf_token": csrf.group(1), "client_token": token.group(1), "quick": "person"})
        if status != 303:
            raise RuntimeError(f"chat bench: sending a message answered {status}")
        status, html = client.request("GET", "/chat")
        after = AFTER_RE.search(html)
        if status != 200 or not after or after.group(1) == "0":
            raise RuntimeError("chat bench: the chat shows no messages after sending one")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        return cookie, f"/chat/poll?after={after.group(1)}"
    finally:
        client.close()
