"""PostgreSQL's own client tools (pg_dump, pg_restore), found and called for the shop's database.

The tools are looked for where scripts/with-postgres.sh finds the server: PG_BINDIR if set,
else the newest /usr/lib/postgresql/*/bin (Debian installs them there, and the newest one can
read every older server), else the PATH. The password travels in PGPASSWORD, never on the
command line where `ps` would show it.
"""
import glob
import os
import re
import shutil
import subprocess

from sqlalchemy.engine import make_url

from .errors import ShopError


def database_kind(database_uri):
    """'sqlite' or 'postgresql' (the only two the shop runs on)."""
    return make_url(database_uri).get_backend_name()


def _version_key(path):
    match = re.search(r"/(\d+)(?:\.(\d+))?/bin$", path)
    return (int(match.group(1)), int(match.group(2) or 0)) if match else (0, 0)


def tool(name):
    """The path of a PostgreSQL client program; ShopError saying how to install it if none."""
    folders = []
    if os.environ.get("PG_BINDIR"):
        folders.append(os.environ["PG_BINDIR"])
    folders += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for folder in folders:
        candidate = os.path.join(folder, name)
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if found:
        return found
    raise ShopError(f"{name} was not found (looked in PG_BINDIR, /usr/lib/postgresql/*/bin and "
                    "the PATH). Install PostgreSQL's client tools, e.g. apt-get install "
                    "postgresql-client, or set PG_BINDIR to the folder that holds them.")


def connection(database_uri):
    """(libpq URL without the password, environment with PGPASSWORD) for the shop's database."""
    url = make_url(database_uri)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def run(database_uri, program, *args):
    """Run pg_dump or pg_restore against the shop's database; ShopError with its message."""
    address, env = connection(database_uri)
    command = [tool(program), *args, f"--dbname={address}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise ShopError(f"{program} failed: " + " ".join(message))
    return done
