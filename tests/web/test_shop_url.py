"""Emailed links use SHOP_URL: `make run` derives it from where it serves, and the back office
says when it is not the address the merchant is using."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
WARNING = "Links in emails point to"


def _dry_run(**variables):
    env = {k: v for k, v in os.environ.items() if k != "SHOP_URL"}
    args = ["make", "-n", "run"] + [f"{k}={v}" for k, v in variables.items() if k != "SHOP_URL"]
    if "SHOP_URL" in variables:
        env["SHOP_URL"] = variables["SHOP_URL"]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("variables, expected", [
    ({"PORT": "8000"}, "http://127.0.0.1:8000"),
    ({"HOST": "0.0.0.0", "PORT": "8080"}, "http://localhost:8080"),
    ({"PORT": "8000", "SHOP_URL": "https://shop.example"}, "https://shop.example"),
])
def test_make_run_gives_the_shop_and_its_worker_the_address_it_serves_at(variables, expected):
    """The README's own PORT=8000 example no longer sends emails with links to port 5000."""
    assert f"export SHOP_URL='{expected}'" in _dry_run(**variables)


def test_the_dashboard_warns_when_emailed_links_lead_elsewhere(app, client, merchant):
    """Signed in at localhost while SHOP_URL names port 5000: the merchant is told."""
    app.config["SHOP_URL"] = "http://127.0.0.1:5000"
    html = client.get("/admin/").get_data(as_text=True)
    assert WARNING in html and "http://127.0.0.1:5000" in html and "http://localhost" in html


def test_no_warning_when_the_shop_is_used_at_its_own_address(app, client, merchant):
    """The same scheme and host (case aside) as SHOP_URL: nothing to say."""
    app.config["SHOP_URL"] = "http://LOCALHOST"
    assert WARNING not in client.get("/admin/").get_data(as_text=True)
