"""A real SMTP server in the test process (aiosmtpd) on 127.0.0.1, and a port nobody answers on."""
import asyncio
import contextlib
import email
import socket
import threading
import time
from email import policy

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [email.message_from_bytes(e.original_content or e.content, policy=policy.default)
                for e in self.envelopes]


class HoldingInbox(Inbox):
    """A server that takes each message in and then keeps the sender waiting for its "250":
    until release() (or for `delay` seconds). Like a real server that queues what it received
    before it answers, it delivers what it took in even if the sender is gone by then.
    `holding` is set once a message is in."""

    def __init__(self, delay=60.0):
        super().__init__()
        self.delay = delay
        self.holding = threading.Event()
        self.released = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.holding.set()
        deadline = time.monotonic() + self.delay
        while not self.released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)  # the server goes on serving other connections meanwhile
        return "250 Message accepted for delivery"

    def release(self):
        self.released.set()


class RudeGoodbye(Inbox):
    """A server that accepts messages and then refuses the goodbye (QUIT) with a 421;
    on_quit() runs first, while the sender waits for that answer."""

    def __init__(self, on_quit):
        super().__init__()
        self.on_quit = on_quit

    async def handle_QUIT(self, server, session, envelope):
        self.on_quit()
        return "421 Service shutting down, closing channel"


class DeadPort:
    """A port bound but not listening: connecting to it is refused, as with a mail server
    that is down, and nothing else can take it until release()."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def release(self):
        self.sock.close()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def smtp_server(port=None, inbox=None, **smtp_options):
    """Yield (inbox, port) while an SMTP server listens on 127.0.0.1:port."""
    inbox = inbox or Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port(), **smtp_options)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        if isinstance(inbox, HoldingInbox):
            inbox.release()
        controller.stop()


def text_and_html(message):
    """The plain-text and HTML parts of a multipart/alternative message, decoded, with the
    wire's CRLF line ends read as newlines."""
    return tuple(message.get_body((kind,)).get_content().replace("\r\n", "\n")
                 for kind in ("plain", "html"))
