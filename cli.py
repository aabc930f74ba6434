"""`flask --app shop <command>`: the merchant's operations from the command line."""
import os
import sys

import click
from flask import current_app

# Prompts are answered this many times before a command gives up (a password too short...).
ATTEMPTS = 3
HOW_TO_CREATE_A_MERCHANT = """\
The shop has no merchant account yet, and there is no terminal here to ask for one.
Create it with:
  flask --app shop init --email you@example.com --password-file FILE
(the password is the file's first line; or set SHOP_ADMIN_PASSWORD instead of --password-file),
or run `make run DEMO=0` in a terminal, which asks for it."""


def _terminal():
    """True when a person can answer prompts: not CI, a pipe or a service."""
    return sys.stdin.isatty()


def _password_file(password_file):
    """The first line of --password-file, or None when none was given."""
    if password_file is None:
        return None
    lines = password_file.read().splitlines()
    return lines[0] if lines else ""


def _ask_password(label):
    # Hidden and asked twice; click reads it with getpass.
    return click.prompt(label, hide_input=True, confirmation_prompt=True)


def _with_retries(attempt, interactive):
    """Run attempt() (which may prompt); on a ShopError ask again, if a person is there to
    answer, up to ATTEMPTS times; otherwise the error ends the command."""
    from domain.errors import ShopError
    for number in range(1, ATTEMPTS + 1):
        try:
            return attempt()
        except ShopError as error:
            if not interactive or number == ATTEMPTS:
                raise click.ClickException(str(error))
            click.echo(f"{error} Please try again.", err=True)
    return None


def register(app):
    import cli_backup
    cli_backup.register(app)

    @app.cli.command("create-merchant")
    @click.option("--email", prompt=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_merchant(email, password):
        """Create an owner's account for the back office (owners invite staff there)."""
        from domain import accounts
        from domain.errors import ShopError
        from domain.transaction import unit_of_work
        try:
            with unit_of_work():
                accounts.register(email, password, merchant=True)
        except ShopError as error:
            raise click.ClickException(str(error))
        click.echo(f"Merchant {email} created. Sign in at /account/login.")

    @app.cli.command("init")
    @click.option("--email", help="The first merchant account's email (asked for on a terminal).")
    @click.option("--password-file", type=click.File("r"),
                  help="A file whose first line is the password ('-' reads standard input). "
                       "Or set SHOP_ADMIN_PASSWORD. Asked for, hidden and twice, on a terminal.")
    @click.option("--if-terminal", is_flag=True,
                  help="Without a terminal to ask on (and no --email and password), print how "
                       "to create the account later and succeed: `make run DEMO=0` serves on.")
    def init(email, password_file, if_terminal):
        """Start a shop of your own: apply the migrations and create the first merchant
        account. Loads no demo; does nothing more once a merchant account exists."""
        from flask_migrate import upgrade

        from domain import accounts
        from domain.transaction import finish, unit_of_work
        upgrade()
        existing = [user.email for user in accounts.merchants()]
        finish(False)  # no transaction held open while a person types
        if existing:
            click.echo(f"The shop is set up; its back office account is {existing[0]} "
                       f"(sign in at {current_app.config['SHOP_URL']}/account/login).")
            return
        password = _password_file(password_file)
        if password is None:
            password = os.environ.get("SHOP_ADMIN_PASSWORD") or None
        interactive = _terminal()
        if (email is None or password is None) and not interactive:
            if if_terminal:
                click.echo(HOW_TO_CREATE_A_MERCHANT)
                return
            raise click.ClickException(
                "No terminal to ask for the merchant account on: pass --email and "
                "--password-file FILE (or set SHOP_ADMIN_PASSWORD).")
        asking = interactive and (email is None or password is None)
        if asking:
            click.echo("Your shop's first merchant account, to sign in to the back office:")

        typed = {}

        def create():
            # Asked again after a refusal, the email typed before is the default (Enter).
            address = email if email is not None else click.prompt("Email",
                                                                   default=typed.get("email"))
            typed["email"] = address
            secret = password if password is not None else _ask_password(
                "Password (10 characters or more)")
            with unit_of_work():
                return accounts.register(address, secret, merchant=True)

        user = _with_retries(create, asking)
        click.echo(f"Merchant {user.email} created. Sign in at "
                   f"{current_app.config['SHOP_URL']}/account/login.")

    @app.cli.command("set-password")
    @click.argument("email")
    @click.option("--password-file", type=click.File("r"),
                  help="A file whose first line is the new password ('-' reads standard "
                       "input); asked for, hidden and twice, otherwise.")
    def set_password(email, password_file):
        """Give an account a new password, for a merchant locked out of the back office.
        Every session of the account ends."""
        from domain import accounts
        from domain.transaction import finish, unit_of_work
        known = accounts.find_by_email(email) is not None
        finish(False)  # no transaction held open while a person types
        if not known:
            raise click.ClickException(f"No account has the email {email}.")
        password = _password_file(password_file)

        def change():
            secret = password if password is not None else _ask_password("New password")
            with unit_of_work():
                return accounts.set_password(accounts.find_by_email(email), secret)

        user = _with_retries(change, password is None)
        click.echo(f"New password set for {user.email}; every session of the account has "
                   f"ended. Sign in at {current_app.config['SHOP_URL']}/account/login.")

    @app.cli.command("remove-demo")
    @click.option("--yes", is_flag=True, help="Remove without asking first.")
    def remove_demo(yes):
        """Take the demo out of your shop: its products and their photos, categories, accounts
        (merchant@example.com, customer@example.com), settings, shipping methods, return rules
        and policy texts, where they are still as the demo made them, and the demo's sample
        orders with their reviews. Never an order of yours."""
        from domain import storage
        from domain.demo import removal
        from domain.transaction import finish, unit_of_work
        if not removal.own_merchant_exists():
            raise click.ClickException(
                "Create your own merchant account first (flask --app shop create-merchant): "
                "the demo's merchant@example.com goes, and without an account of your own you "
                "could not sign in to the back office any more.")
        found = removal.find()
        if not found:
            click.echo("No demo data found: nothing to remove.")
            return
        for line in _describe(found):
            click.echo(line)
        finish(False)  # no transaction held open while the merchant reads
        if not yes:
            click.confirm("Remove the demo?", abort=True)
        with unit_of_work():
            found = removal.find()
            keys = removal.remove(found)
        files = removal.delete_photo_files(keys, storage.product_photos())
        click.echo(f"The demo is gone: {len(found.products)} products, {files} photo files, "
                   f"{len(found.categories)} categories and {len(found.accounts)} accounts "
                   "removed. Your own products, accounts and every order are as they were.")

    @app.cli.command("load-demo")
    @click.option("--if-empty", is_flag=True,
                  help="Quietly do nothing unless the shop is new (no products, accounts or settings).")
    def load_demo(if_empty):
        """Fill an empty shop with a demo: Moonjar Studio, handmade stoneware."""
        from domain import demo, storage
        from domain.transaction import unit_of_work
        if not demo.catalogue_is_empty():
            if if_empty:
                click.echo("The shop is already set up; the demo was not loaded.")
                return
            raise click.ClickException(
                "The shop is already set up (it has products, accounts or settings); "
                "load-demo only fills a new shop.")
        click.echo("Loading the demo shop (drawing product photos takes a few seconds)...")
        with unit_of_work():
            result = demo.load_demo(storage.product_photos(),
                                    photo_size=current_app.config["DEMO_PHOTO_SIZE"])
        click.echo(f"Moonjar Studio is ready: {len(result.products)} products in {result.categories} "
                   f"categories, {result.variants} variants, {result.images} photos, "
                   f"{result.reviews} reviews of delivered orders.")
        for role, email, password in result.accounts:
            if password:
                click.echo(f"  {role:<9} {email}  password: {password}")
            else:
                click.echo(f"  {role:<9} {email}  (already existed; password unchanged)")
        click.echo("Sign in at /account/login. Write the passwords down: they are not shown again.")

    @app.cli.command("import-products")
    @click.argument("csv_path", metavar="CSV", type=click.Path(exists=True, dir_okay=False))
    @click.option("--inventory", "inventory_path", metavar="INVENTORY.csv",
                  type=click.Path(exists=True, dir_okay=False),
                  help="Shopify's inventory export: sets each variant's stock, found by the "
                       "product's handle and the variant's options.")
    def import_products(csv_path, inventory_path):
        """Import or update products from a Shopify product export (CSV)."""
        from domain import importer, shopconfig, storage, transaction
        from domain.errors import ImportFailed
        try:
            columns, groups, problems = importer.read_csv(csv_path)
            inventory = importer.read_inventory(inventory_path) if inventory_path else None
        except ImportFailed as error:
            raise click.ClickException(str(error))
        currency = shopconfig.load().currency
        own_media = storage.product_photos_address()
        with click.progressbar(groups, label=f"Importing {len(groups)} products") as bar:
            report = importer.import_products(
                bar, columns, currency, storage.product_photos(),
                base_dir=os.path.dirname(os.path.abspath(csv_path)), own_media=own_media,
                repeated=importer.repeated_skus(groups),
                # Each product is a unit of its own: a bad row keeps only its product out.
                after_each=lambda: transaction.finish(True))
        report.problems[:0] = problems
        click.echo(f"Created {report.created}, updated {report.updated}, "
                   f"skipped {report.skipped} products (prices read as {currency}).")
        if inventory:
            report.problems += inventory.problems
            for group in inventory.groups:
                with transaction.unit_of_work():
                    stock_set, found = importer.apply_inventory(group, inventory.location_columns)
                report.stock_set += stock_set
                report.problems += found
            click.echo(f"Stock set for {report.stock_set} variants from "
                       f"{os.path.basename(inventory_path)}.")
        for problem in sorted(report.problems, key=lambda p: (p.source != "products", p.line)):
            click.echo(f"  {problem}")
        if report.failed:
            raise click.ClickException(
                "Some rows were not imported; fix those lines and import the file again "
                "(imported products are updated, not duplicated).")

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="One pass, then exit (for cron and tests).")
    @click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(min=0.1),
                  help="Seconds between passes.")
    @click.option("--status", is_flag=True,
                  help="List the registered jobs: when each last ran, how, and when it is due next.")
    def worker_command(once, interval, status):
        """Run the shop's background jobs (emails, expiries, imports, purges, the heartbeat)
        until stopped. Any number of workers may run, on any number of hosts."""
        import worker
        if status:
            for line in worker.status_lines(current_app._get_current_object()):
                click.echo(line)
            return
        worker.run(current_app._get_current_object(), once=once, interval=interval,
                   echo=lambda line: click.echo(line))


SETTING_NAMES = {
    "name": "shop name", "tagline": "tagline", "email": "contact email", "phone": "phone",
    "hours": "opening hours", "address": "address", "currency": "currency",
    "tax_rate_bp": "tax rate", "prices_include_tax": "prices include tax",
    "free_shipping_threshold": "free shipping threshold", "default_region": "default region",
    "timezone": "time zone", "low_stock_threshold": "low-stock warning",
    "bank_account": "bank account", "thank_you_note": "thank-you note", "carriers": "carriers",
}


def _names(items, attribute, limit=6):
    names = [str(getattr(item, attribute)) for item in items]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _describe(found):
    """What remove-demo is about to do, line by line, for the merchant to confirm."""
    lines = ["The demo is still in this shop. Removing it deletes:"]
    if found.products:
        lines.append(f"  {len(found.products)} products ({_names(found.products, 'title', 3)}) "
                     f"and their {found.photos} photos")
    if found.categories:
        lines.append(f"  {len(found.categories)} categories: {_names(found.categories, 'name')}")
    if found.accounts:
        lines.append(f"  the accounts {_names(found.accounts, 'email')}")
    if found.settings:
        settings = ", ".join(SETTING_NAMES.get(name, name) for name in found.settings)
        lines.append(f"  the demo's settings, back to their defaults: {settings}")
    extras = [f"{len(found.shipping_methods)} shipping methods" if found.shipping_methods else "",
              "the demo's return rules" if found.rules else "",
              "its returns settings" if found.return_policy is not None else "",
              "its " + " and ".join(p.name for p in found.policy_pages) + " texts"
              if found.policy_pages else "",
              f"{len(found.questions)} help page questions" if found.questions else ""]
    if found.demo_orders:
        lines.append(f"  the demo's {len(found.demo_orders)} sample orders and their "
                     f"{len(found.reviews)} reviews")
    if found.coupons or found.tiers or found.loyalty_settings or found.points:
        loyalty = [f"the coupons {_names(found.coupons, 'code')}" if found.coupons else "",
                   f"{len(found.tiers)} tiers" if found.tiers else "",
                   "its settings" if found.loyalty_settings else "",
                   f"the points its orders earned ({len(found.points)} entries)"
                   if found.points else ""]
        lines.append("  the demo's loyalty: " + ", ".join(filter(None, loyalty)))
    if found.brand or found.donations:
        parts = found.brand + (["its donation note"] if found.donations else [])
        lines.append("  the demo's brand and cause: " + ", ".join(parts))
    if found.testimonials or found.change_notes:
        lines.append(f"  the demo's testimonials ({len(found.testimonials)}) and change notes "
                     f"({len(found.change_notes)})")
    if any(extras):
        lines.append("  " + ", ".join(filter(None, extras)))
    kept = []
    if found.archived:
        kept.append(f"  {len(found.archived)} demo products are archived, not deleted: orders "
                    f"or returns name them ({_names(found.archived, 'title', 3)})")
    if found.kept_categories:
        kept.append(f"  the categories {_names(found.kept_categories, 'name')}: products of "
                    "yours are in them")
    if found.kept_settings:
        settings = ", ".join(SETTING_NAMES.get(name, name) for name in found.kept_settings)
        kept.append(f"  {settings}: your own products are priced with them")
    if found.locked_accounts:
        kept.append(f"  {_names(found.locked_accounts, 'email')}: orders or store credit name "
                    "it, so it is kept but locked (renamed, a password nobody knows, signed out)")
    orders = f", and every order ({found.orders})" if found.orders else ""
    kept.append(f"  everything else: your own products, categories and accounts{orders}")
    return lines + ["Kept:"] + kept
