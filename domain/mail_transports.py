"""How an outbox message leaves: through an SMTP server, or as an .eml file in a folder.

A transport's send(email, message, accepted) delivers one email and calls accepted() the moment
the message is delivered, before any closing step, so that domain/mailer.py records it as sent
before anything else can fail.
"""
import email as email_parser
import os
import smtplib
import ssl
import tempfile
from email.policy import SMTP as SMTP_POLICY, default as DEFAULT_POLICY
from urllib.parse import parse_qs, unquote, urlsplit


def eml_name(message_id):
    """Where the .eml fallback writes a message, inside its folder: one file per message."""
    return f"message-{int(message_id)}.eml"


class SMTPTransport:
    """Sends through an SMTP server given as a URL.

    smtp://user:pass@host:587?starttls=1   plain connection upgraded with STARTTLS
    smtps://user:pass@host                 implicit TLS (port 465 by default)
    smtp://host:25                         no TLS, no login (a local relay)
    User and password are percent-encoded in the URL ('@' in a user name is %40).
    """

    def __init__(self, url, timeout=20):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:pass@host:port or smtps://...")
        query = parse_qs(parts.query)
        self.implicit_tls = parts.scheme == "smtps"
        self.starttls = not self.implicit_tls and query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 587 if self.starttls else 25)
        self.username = unquote(parts.username) if parts.username else ""
        self.password = unquote(parts.password) if parts.password else ""
        self.timeout = timeout

    def __str__(self):
        # For logs: never the password.
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port}"

    def _connect(self):
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def send(self, email, message=None, accepted=None):
        """Send one email; accepted() is called the moment the server has taken it ("250")."""
        server = self._connect()
        try:
            if self.starttls:
                server.starttls(context=ssl.create_default_context())
            if self.username:
                server.login(self.username, self.password)
            server.send_message(email)
        except BaseException:
            server.close()
            raise
        try:
            if accepted:
                accepted()
        finally:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                # The goodbye failed or was refused: the message was delivered all the same,
                # and sending it again would deliver it twice.
                server.close()


class EmlTransport:
    """Writes each message as an .eml file instead of sending it: for shops without a mail
    server yet, and for development. The back office lists and serves these files."""

    def __init__(self, folder):
        self.folder = folder

    def __str__(self):
        return f".eml files in {self.folder}"

    def path_for(self, message_id):
        return os.path.join(self.folder, eml_name(message_id))

    def send(self, email, message, accepted=None):
        os.makedirs(self.folder, exist_ok=True)
        # Written beside its final name and renamed: a reader never sees half a message.
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".writing-", suffix=".eml")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(email.as_bytes(policy=SMTP_POLICY))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temporary, self.path_for(message.id))
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        if accepted:
            accepted()


def transport_for(smtp_url, mail_folder):
    """SMTP when SMTP_URL is set, else .eml files in mail_folder."""
    return SMTPTransport(smtp_url) if smtp_url else EmlTransport(mail_folder)


def eml_ids(folder):
    """The ids of the messages written as .eml files in folder."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return set()
    return {int(name[8:-4]) for name in names
            if name.startswith("message-") and name.endswith(".eml") and name[8:-4].isdigit()}


def read_eml(folder, message_id):
    """The .eml file of a message, parsed, or None if there is none."""
    try:
        with open(os.path.join(folder, eml_name(message_id)), "rb") as fh:
            return email_parser.message_from_binary_file(fh, policy=DEFAULT_POLICY)
    except FileNotFoundError:
        return None
