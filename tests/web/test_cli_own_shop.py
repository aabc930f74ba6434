"""A shop of one's own from the command line: `flask init` (what `make run DEMO=0` runs),
`flask set-password` for a locked-out merchant, and `flask remove-demo`."""
import os
import pty
import select
import subprocess
import sys
import time

import pytest

from domain import faq
from domain.extensions import db
from domain.models import (Category, ChangeNote, Coupon, CreditEntry, FaqCategory, FaqEntry,
                           LoyaltySettings, LoyaltyTier, Order, PointsEntry, PolicyPage,
                           Product, ProductImage, Review, ReviewRequest, Satisfaction,
                           ShippingMethod, ShopSettings, User)
from domain.models import Testimonial as Quote
from shop import create_app
from tests.order_helpers import place
from tests.page_helpers import sign_in

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=list(args), **kw)


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(model.id)).where(*where))


def merchant_emails(app):
    with app.app_context():
        return db.session.scalars(db.select(User.email).where(User.is_merchant)).all()


def password_file(tmp_path, text):
    path = tmp_path / "password.txt"
    path.write_text(text)
    return str(path)


# flask init


def test_init_creates_exactly_one_merchant_and_no_demo(app, cli, client, tmp_path):
    """--email and a password file make one merchant who reaches the back office; the shop
    stays empty; a second run changes nothing."""
    result = cli("init", "--email", "Owner@Example.com",
                 "--password-file", password_file(tmp_path, "long enough pw\n"))
    assert result.exit_code == 0, result.output
    assert "Merchant owner@example.com created" in result.output
    assert merchant_emails(app) == ["owner@example.com"] and count(app, User) == 1
    assert count(app, Product) == 0 and count(app, Category) == 0

    response = sign_in(client, "owner@example.com", "long enough pw")
    assert response.headers["Location"].endswith("/admin/")

    again = cli("init", "--email", "second@example.com", env={"SHOP_ADMIN_PASSWORD": "x" * 12})
    assert again.exit_code == 0 and "its back office account is owner@example.com" in again.output
    assert merchant_emails(app) == ["owner@example.com"]


def test_init_reads_the_password_from_the_environment(app, cli):
    """SHOP_ADMIN_PASSWORD stands in for --password-file, for a service's environment."""
    result = cli("init", "--email", "owner@example.com",
                 env={"SHOP_ADMIN_PASSWORD": "from the environment"})
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(User)).check_password("from the environment")


@pytest.mark.parametrize("args, env", [
    (["--email", "owner@example.com"], {}),
    ([], {"SHOP_ADMIN_PASSWORD": "long enough pw"}),
    ([], {}),
])
def test_init_without_a_terminal_or_its_answers_fails_clearly(app, cli, args, env):
    """No terminal (CliRunner, CI) and no email or password: exit 1 saying what to pass, and
    no account; it never waits for an answer nobody can give."""
    result = cli("init", *args, env={"SHOP_ADMIN_PASSWORD": "", **env}, input=None)
    assert result.exit_code == 1
    assert "No terminal to ask for the merchant account on: pass --email and --password-file" \
        in result.output
    assert count(app, User) == 0


def test_init_refuses_a_short_password_and_a_bad_email(app, cli, tmp_path):
    """The account rules hold at the command line too; nothing is created."""
    short = cli("init", "--email", "owner@example.com",
                "--password-file", password_file(tmp_path, "short\n"))
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    bad = cli("init", "--email", "not an email", env={"SHOP_ADMIN_PASSWORD": "long enough pw"})
    assert bad.exit_code == 1 and "valid email address" in bad.output
    assert count(app, User) == 0


def test_make_run_demo_0_on_a_new_database_migrates_and_explains_without_a_terminal(tmp_path):
    """What `make run DEMO=0` runs, `init --if-terminal`, on an empty database file without a
    terminal: the tables are made, no demo is loaded, and it says how to create the merchant
    instead of waiting, and succeeds so that the shop is served."""
    database = tmp_path / "new.sqlite"
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "STOREFRONT_VERSION_FILE": str(tmp_path / "storefront.version")})
    result = app.test_cli_runner().invoke(args=["init", "--if-terminal"],
                                          env={"SHOP_ADMIN_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    assert "no terminal here to ask for one" in result.output
    assert "flask --app shop init --email you@example.com --password-file FILE" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Product.id))) == 0
        db.engine.dispose()
    assert app.test_client().get("/").status_code == 200


def _answer(fd, prompts, timeout=60):
    """Talk to a process on a terminal: wait for each prompt and type its answer; returns
    everything the terminal showed."""
    shown, seen, deadline = b"", 0, time.monotonic() + timeout

    def read():
        ready, _w, _x = select.select([fd], [], [], max(0.1, deadline - time.monotonic()))
        try:
            return os.read(fd, 4096) if ready else b""
        except OSError:  # the process ended and closed the terminal
            return b""

    for prompt, answer in prompts:
        while prompt.encode() not in shown[seen:]:
            chunk = read()
            if not chunk:
                raise AssertionError(f"no {prompt!r} prompt; the terminal showed {shown!r}")
            shown += chunk
        seen = shown.index(prompt.encode(), seen) + len(prompt)
        os.write(fd, answer.encode() + b"\n")
    while chunk := read():
        shown += chunk
    return shown.decode(errors="replace")


def test_init_on_a_terminal_asks_for_the_account_with_a_hidden_password(tmp_path):
    """Run in a real terminal, `flask init` asks for the email and, hidden, for the password
    twice; after a too-short one both are asked again, the email offered as typed. The shop
    then has that one merchant."""
    database = tmp_path / "own.sqlite"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", SECRET_KEY="x",
               SHOP_ADMIN_PASSWORD="", PYTHONUNBUFFERED="1")
    primary, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "shop", "init"], cwd=ROOT,
                               env=env, stdin=secondary, stdout=secondary, stderr=secondary,
                               start_new_session=True)
    os.close(secondary)
    try:
        shown = _answer(primary, [
            ("Email: ", "owner@example.com"),
            ("Password (10 characters or more): ", "short"),
            ("Repeat for confirmation: ", "short"),
            ("Email [owner@example.com]: ", ""),
            ("Password (10 characters or more): ", "long enough pw"),
            ("Repeat for confirmation: ", "long enough pw")])
        assert process.wait(timeout=60) == 0, shown
    finally:
        process.kill()
        os.close(primary)
    assert "Your shop's first merchant account" in shown
    assert "at least 10 characters" in shown
    assert "Merchant owner@example.com created" in shown
    assert "long enough pw" not in shown and "short\r\n" not in shown  # never echoed
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        [merchant] = db.session.scalars(db.select(User)).all()
        assert merchant.is_merchant and merchant.check_password("long enough pw")
        db.engine.dispose()


# flask set-password


def test_set_password_lets_a_locked_out_merchant_in_and_ends_every_session(app, cli, client,
                                                                           make, login):
    """Typed twice at the prompt, the new password works, the old one no longer does, and a
    browser that was signed in is signed out."""
    merchant = make.user("boss@example.com", merchant=True)
    login(merchant)
    assert client.get("/admin/").status_code == 200

    result = cli("set-password", "Boss@Example.com", input="a brand new pw\na brand new pw\n")
    assert result.exit_code == 0, result.output
    assert "every session of the account has ended" in result.output
    assert "a brand new pw" not in result.output

    assert client.get("/admin/").status_code == 303  # the old session is over
    assert sign_in(client, "boss@example.com", merchant["password"]).status_code == 422
    assert sign_in(client, "boss@example.com", "a brand new pw").status_code == 303


def test_set_password_from_a_file_and_its_refusals(app, cli, make, tmp_path):
    """--password-file works without prompts; a short password or an unknown email is refused
    and the old password stays."""
    make.user("boss@example.com", merchant=True)
    short = cli("set-password", "boss@example.com", "--password-file",
                password_file(tmp_path, "short\n"))
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    unknown = cli("set-password", "nobody@example.com", "--password-file",
                  password_file(tmp_path, "long enough pw\n"))
    assert unknown.exit_code == 1 and "No account has the email nobody@example.com" in unknown.output
    with app.app_context():
        assert db.session.scalar(db.select(User)).check_password("correct horse battery")
    done = cli("set-password", "boss@example.com", "--password-file",
               password_file(tmp_path, "long enough pw\n"))
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert db.session.scalar(db.select(User)).check_password("long enough pw")


# flask remove-demo


@pytest.fixture
def demo_shop(app, cli):
    """The demo, loaded as `make run` loads it (photos drawn small, to be quick)."""
    app.config["DEMO_PHOTO_SIZE"] = 320
    result = cli("load-demo")
    assert result.exit_code == 0, result.output
    return result


def photo_files(app):
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "products")
    return set(os.listdir(folder))


def test_remove_demo_refuses_until_the_merchant_has_an_account_of_their_own(app, cli, demo_shop):
    """With only the demo's merchant account, removing it would lock the owner out."""
    result = cli("remove-demo", "--yes")
    assert result.exit_code == 1 and "Create your own merchant account first" in result.output
    assert count(app, Product) > 30


def test_remove_demo_asks_then_removes_the_demo_and_keeps_the_merchants_shop(
        app, cli, client, make, demo_shop):
    """Declined, nothing changes. Confirmed, the demo's products, photos, categories, accounts,
    settings, shipping and policies go; the merchant's own product, its order, a demo product
    that an order names (archived) and every order stay. The demo's own sample orders go with
    their reviews, review photos, thank-you credit and answers, and its testimonials."""
    make.user("owner@example.com", merchant=True)
    with app.app_context():
        vases = db.session.scalar(db.select(Category.id).where(Category.name == "Vases"))
        standard = db.session.scalar(db.select(ShippingMethod.id).where(
            ShippingMethod.name == "Standard"))
        demo_customer = db.session.scalar(db.select(User.id).where(
            User.email == "customer@example.com"))
        mug = db.session.scalar(db.select(Product).where(Product.slug == "everyday-mug"))
        mug_variant, mug_images = mug.variants[0].id, {image.key for image in mug.images}
        products_before = db.session.scalar(db.select(db.func.count(Product.id)))
    own = make.product("Linen tea towel", category_id=vases,
                       variants=[{"sku": "TOWEL-1", "price": 15000, "stock": 9}])
    own_order = place(app, {"method": standard, "variant": own["variant_ids"][0]},
                      email="buyer@example.com")
    with app.test_request_context():
        care = db.session.scalar(db.select(FaqCategory).where(FaqCategory.slug == "care"))
        faq.save_entry(None, category_id=care.id, question="Do you take commissions?",
                       answer_md="Write to us.")
        db.session.commit()
    place(app, {"method": standard, "variant": mug_variant}, user_id=demo_customer,
          email="customer@example.com")
    files_before = photo_files(app)
    review_photos = app.config["REVIEW_PHOTO_FOLDER"]
    assert os.listdir(review_photos)

    declined = cli("remove-demo", input="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.output
    assert "The demo is still in this shop. Removing it deletes:" in declined.output
    assert "the accounts merchant@example.com" in declined.output
    assert count(app, Product) == products_before + 1 and photo_files(app) == files_before

    result = cli("remove-demo", input="y\n")
    assert result.exit_code == 0, result.output
    assert "The demo is gone" in result.output
    assert "orders or returns name them (Everyday Mug)" in result.output
    assert "7 help page questions" in declined.output
    assert "the demo's 108 sample orders and their 11 reviews" in declined.output
    assert "customer@example.com: orders or store credit name it" in result.output
    assert "the demo's loyalty: the coupons WELCOME10, FREESHIP, 3 tiers, its settings, the " \
        "points its orders earned" in declined.output

    with app.app_context():
        products = {p.title: p.status for p in db.session.scalars(db.select(Product))}
        assert products == {"Linen tea towel": "active", "Everyday Mug": "archived"}
        assert db.session.scalars(db.select(Category.name)).all() == ["Vases"]  # the towel's
        users = {u.email: u.is_merchant for u in db.session.scalars(db.select(User))}
        assert users == {"owner@example.com": True,
                         f"removed-demo-account-{demo_customer}@example.invalid": False}
        settings = db.session.get(ShopSettings, 1)
        assert (settings.name, settings.email, settings.carriers) == ("My Shop", "", [])
        assert settings.currency == "KRW"  # the towel is priced in won
        assert db.session.scalar(db.select(db.func.count(ShippingMethod.id))) == 0
        assert db.session.scalar(db.select(db.func.count(PolicyPage.name))) == 0
        assert db.session.scalar(db.select(db.func.count(Order.id))) == 2
        for model in (Review, ReviewRequest, Satisfaction, Quote, ChangeNote, CreditEntry,
                      PointsEntry, LoyaltyTier):
            assert db.session.scalar(db.select(db.func.count(model.id))) == 0, model
        # The shop's own orders keep the thank-you codes they were given.
        assert not db.session.scalars(db.select(Coupon).where(
            Coupon.code.in_(["WELCOME10", "FREESHIP"]))).all()
        kept = db.session.get(User, demo_customer)
        assert (kept.credit_balance, kept.points_balance, kept.points_pending) == (0, 0, 0)
        loyalty = db.session.get(LoyaltySettings, 1)
        assert (loyalty.earn_points, loyalty.referrals_on, loyalty.thank_you_kind) == (0, False, "")
        mug = db.session.scalar(db.select(Product).where(Product.slug == "everyday-mug"))
        assert (mug.review_count, mug.rating_sum, mug.rating_counts) == (0, 0, [0, 0, 0, 0, 0])
        remaining = set(db.session.scalars(db.select(ProductImage.key)))
        # The help page keeps the merchant's question (and its topic) and the answers drawn
        # from the rules; the demo's written questions and its emptied topics are gone.
        questions = {e.question: (e.category.slug, e.generated)
                     for e in db.session.scalars(db.select(FaqEntry))}
        assert questions == {"Do you take commissions?": ("care", None),
                             "How much is shipping?": ("shipping", "shipping_cost"),
                             "When will my order arrive?": ("shipping", "delivery_time"),
                             "How long do I have to return?": ("returns", "returns_window")}
        assert set(db.session.scalars(db.select(FaqCategory.slug))) == {"care", "shipping", "returns"}
    assert remaining == mug_images
    assert os.listdir(review_photos) == []
    assert {name.rsplit("-", 1)[0] for name in photo_files(app)} == mug_images

    assert client.get(f"/products/{own['slug']}").status_code == 200
    assert client.get("/products/everyday-mug").status_code == 404
    assert "Moonjar" not in client.get("/").get_data(as_text=True)
    assert sign_in(client, "customer@example.com", "anything at all").status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(Order.email).where(
            Order.number == own_order["number"])) == "buyer@example.com"

    again = cli("remove-demo", "--yes")
    assert again.exit_code == 0 and "No demo data found" in again.output
