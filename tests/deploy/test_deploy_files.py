"""The files in deploy/ are what README's "Put it on a server" installs: checked by the tools
that will read them (systemd-analyze, caddy, nginx), and the backup service's commands run."""
import os
import shutil
import subprocess

import pytest

from tests.deploy.deploy_helpers import DEPLOY, ROOT, SERVER_CODE, exec_start

pytestmark = pytest.mark.sqlite_only
UNITS = ("moonjar-web.service", "moonjar-worker.service", "moonjar-backup.service",
         "moonjar-backup.timer")


def unit(name):
    """deploy/<name> as {key: [values]} (the [Install] and [Timer] keys too)."""
    keys = {}
    text = (DEPLOY / name).read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            keys.setdefault(key, []).append(value)
    return keys


def env_example():
    lines = (DEPLOY / "moonjar.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def tool(name):
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    # Not a skip: .ci/run installs them (Debian: systemd, caddy, nginx).
    assert found, f"{name} is not installed"
    return found


def test_systemd_finds_nothing_wrong_in_the_units(tmp_path):
    """systemd-analyze verify, with the code folder at this checkout so that the commands
    the units start exist: no unknown keys, no bad values, the timer's service found."""
    for name in UNITS:
        (tmp_path / name).write_text((DEPLOY / name).read_text().replace(SERVER_CODE, str(ROOT)))
    result = subprocess.run([tool("systemd-analyze"), "verify", *UNITS], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_the_services_run_as_make_run_does_as_their_own_user_and_come_back():
    """The web server has make run's gunicorn settings, on loopback only; both services run as
    moonjar with the settings file, restart always, and keep their data in INSTANCE_PATH."""
    web, worker = unit("moonjar-web.service"), unit("moonjar-worker.service")
    makefile = (ROOT / "Makefile").read_text()
    for option in ("-c gunicorn-settings.py --workers $(WORKERS)",
                   "--access-logfile - 'shop:create_app()'"):
        assert option in makefile
    assert "WORKERS ?= 2" in makefile
    argv = exec_start("moonjar-web.service")
    assert argv[1:] == ["-c", "gunicorn-settings.py", "--workers", "2",
                        "--bind", "127.0.0.1:8000", "--access-logfile", "-", "shop:create_app()"]
    assert exec_start("moonjar-worker.service") == [f"{SERVER_CODE}/.venv/bin/flask", "--app",
                                                    "shop", "worker"]
    settings = env_example()
    for service in (web, worker, unit("moonjar-backup.service")):
        assert service["User"] == ["moonjar"] and service["WorkingDirectory"] == [SERVER_CODE]
        assert service["EnvironmentFile"] == ["/etc/moonjar/moonjar.env"]
        assert "/var/lib/" + service["StateDirectory"][0] == settings["INSTANCE_PATH"]
    assert web["Restart"] == ["always"] and worker["Restart"] == ["always"]
    assert settings["TRUST_PROXY"] == "1" and settings["SESSION_COOKIE_SECURE"] == "1"
    assert settings["SHOP_URL"].startswith("https://")


def test_caddy_accepts_the_caddyfile(tmp_path):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([tool("caddy"), "validate", "--config", str(DEPLOY / "Caddyfile"),
                             "--adapter", "caddyfile"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and "Valid configuration" in result.stdout + result.stderr, \
        result.stderr


def _self_signed(folder):
    """A certificate and key where certbot would have put them."""
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shop.example.com")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


def test_nginx_accepts_the_site(tmp_path):
    """nginx -t on deploy/nginx.conf inside a minimal nginx.conf, as Debian's includes it."""
    _self_signed(tmp_path)
    site = (DEPLOY / "nginx.conf").read_text().replace(
        "/etc/letsencrypt/live/shop.example.com", str(tmp_path))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run([tool("nginx"), "-t", "-p", str(tmp_path), "-e",
                             str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "test is successful" in result.stderr, result.stderr


def test_the_backup_service_backs_up_into_the_instance_and_keeps_14(database_template, tmp_path):
    """The service's command as it runs: `make backup KEEP=14` writes one archive into
    INSTANCE_PATH's backups folder and keeps the 14 newest archives; other files stay."""
    backup = unit("moonjar-backup.service")
    assert backup["ExecStart"] == ["/usr/bin/make backup KEEP=14"]
    assert unit("moonjar-backup.timer")["Persistent"] == ["true"]

    instance = tmp_path / "instance"
    backups = instance / "backups"
    backups.mkdir(parents=True)
    shutil.copyfile(database_template, instance / "shop.sqlite")
    for day in range(1, 21):  # twenty older nightly archives
        (backups / f"shop-202501{day:02d}-033000.tar.gz").write_text("old")
    (backups / "shop-half-written.tar.gz.tmp").write_text("")
    (backups / "notes.txt").write_text("the merchant's own file")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["INSTANCE_PATH"] = str(instance)
    # -o: the shared virtualenv is taken as up to date; a server's make installs it if not.
    made = subprocess.run(["make", "-o", ".venv/.runtime", "backup", "KEEP=14"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    new = [p.name for p in backups.iterdir() if not p.name.startswith("shop-2025")
           and p.name.endswith(".tar.gz")]
    assert len(new) == 1
    kept = sorted(p.name for p in backups.iterdir())
    assert kept == sorted([new[0], "shop-half-written.tar.gz.tmp", "notes.txt"]
                          + [f"shop-202501{day:02d}-033000.tar.gz" for day in range(8, 21)])


@pytest.mark.skipif(os.geteuid() != 0, reason="moonjar-run switches user: only root can")
def test_moonjar_run_runs_a_command_as_the_shops_user_with_its_settings():
    """What README's commands rely on: the user, the code folder and the settings file's values,
    quoted ones included."""
    import tempfile
    with tempfile.TemporaryDirectory() as folder:  # pytest's own is closed to other users
        os.chmod(folder, 0o755)
        settings = os.path.join(folder, "moonjar.env")
        with open(settings, "w") as fh:
            fh.write("SHOP_URL=https://shop.example.com\n"
                     "MAIL_FROM='Moonjar Studio <hi@shop.example.com>'\n")
        os.chmod(settings, 0o644)
        result = subprocess.run(
            [str(DEPLOY / "moonjar-run"), "sh", "-c",
             'id -un; pwd; echo "$SHOP_URL"; echo "$MAIL_FROM"'],
            env={**os.environ, "MOONJAR_USER": "nobody", "MOONJAR_CODE": folder,
                 "MOONJAR_ENV": settings}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["nobody", folder, "https://shop.example.com",
                                          "Moonjar Studio <hi@shop.example.com>"]
