"""A real IMAP server for the tests: Debian's Dovecot (package dovecot-imapd, installed by
.ci/run), started on 127.0.0.1 and a free port with a throwaway configuration and maildirs under a temporary folder. Each test gets a mailbox of its own (mailbox()).

There is no fallback: without /usr/sbin/dovecot the tests that need it fail, saying so."""
import getpass
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

DOVECOT = os.environ.get("DOVECOT", "/usr/sbin/dovecot")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """One user's INBOX on the server: deliver() puts a message in (IMAP APPEND)."""

    def __init__(self, server, user, password):
        self.server, self.user, self.password = server, user, password

    @property
    def url(self):
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.server.port}/INBOX"

    def _session(self):
        session = imaplib.IMAP4("127.0.0.1", self.server.port, timeout=10)
        session.login(self.user, self.password)
        session.select("INBOX")
        return session

    def deliver(self, raw):
        if isinstance(raw, str):
            raw = raw.replace("\r\n", "\n").replace("\n", "\r\n").encode()
        session = self._session()
        try:
            kind, data = session.append("INBOX", None, None, raw)
            assert kind == "OK", data
        finally:
            session.logout()

    def unseen(self):
        """How many messages are not flagged \\Seen."""
        session = self._session()
        try:
            return len(session.uid("SEARCH", None, "UNSEEN")[1][0].split())
        finally:
            session.logout()

    def mark_unseen(self):
        """Every message unflagged, as after a crash between reading and flagging."""
        session = self._session()
        try:
            session.store("1:*", "-FLAGS", "(\\Seen)")
        finally:
            session.logout()


class Dovecot:
    """Dovecot on 127.0.0.1:<free port>, plain IMAP with passwords (loopback only)."""

    def __init__(self):
        if not os.path.exists(DOVECOT):
            raise RuntimeError(f"{DOVECOT} not found: install Debian's dovecot-imapd "
                               "(.ci/run does) to run the inbound email tests")
        self.root = tempfile.mkdtemp(prefix="imap-dovecot-")
        self.port = free_port()
        # Any user name logs in with this password and gets a mailbox of its own.
        self.password = uuid.uuid4().hex
        for folder in ("run", "state", "mail"):
            os.makedirs(os.path.join(self.root, folder))
        if os.getuid() == 0:
            # Dovecot runs nothing as root: its own users do the work (created by the package).
            internal, login, mail_user = "dovecot", "dovenull", "dovecot"
            entry = pwd.getpwnam(mail_user)
            os.chown(os.path.join(self.root, "mail"), entry.pw_uid, entry.pw_gid)
            os.chmod(self.root, 0o755)
        else:
            internal = login = mail_user = getpass.getuser()
        mail_group = pwd.getpwnam(mail_user).pw_gid
        self.config = os.path.join(self.root, "dovecot.conf")
        with open(self.config, "w") as conf:
            conf.write(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/run
state_dir = {self.root}/state
instance_name = {os.path.basename(self.root)}
log_path = {self.root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{self.root}/mail/%n
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = 0
first_valid_gid = 0
passdb {{
  driver = static
  args = password={self.password}
}}
userdb {{
  driver = static
  args = uid={pwd.getpwnam(mail_user).pw_uid} gid={mail_group} home={self.root}/mail/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
""")
        # The daemon keeps the streams it was given: none, so nothing waits on them.
        started = subprocess.run([DOVECOT, "-c", self.config], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 timeout=30)
        if started.returncode != 0:
            raise RuntimeError(f"Dovecot did not start ({started.returncode}): " + self.log())
        self._wait()

    def _wait(self):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"Dovecot did not listen on {self.port}: " + self.log())

    def log(self):
        try:
            with open(os.path.join(self.root, "dovecot.log")) as log:
                return log.read()[-2000:]
        except OSError:
            return ""

    def mailbox(self):
        """A new user with an empty INBOX."""
        user = "shop" + uuid.uuid4().hex[:10]
        return Mailbox(self, user, self.password)

    def stop(self):
        subprocess.run([DOVECOT, "-c", self.config, "stop"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)
