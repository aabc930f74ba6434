"""`flask --app shop <command>`: the merchant's operations from the command line."""
import os

import click
from flask import current_app


def register(app):
    @app.cli.command("create-merchant")
    @click.option("--email", prompt=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_merchant(email, password):
        """Create a merchant account for the back office."""
        from domain import accounts
        from domain.errors import ShopError
        from domain.transaction import unit_of_work
        try:
            with unit_of_work():
                accounts.register(email, password, merchant=True)
        except ShopError as error:
            raise click.ClickException(str(error))
        click.echo(f"Merchant {email} created. Sign in at /account/login.")

    @app.cli.command("load-demo")
    @click.option("--if-empty", is_flag=True,
                  help="Quietly do nothing unless the shop is new (no products, accounts or settings).")
    def load_demo(if_empty):
        """Fill an empty shop with a demo: Moonjar Studio, handmade stoneware."""
        from domain import demo
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
            result = demo.load_demo(current_app.config["UPLOAD_FOLDER"],
                                    photo_size=current_app.config["DEMO_PHOTO_SIZE"])
        click.echo(f"Moonjar Studio is ready: {len(result.products)} products in {result.categories} "
                   f"categories, {result.variants} variants, {result.images} photos.")
        for role, email, password in result.accounts:
            if password:
                click.echo(f"  {role:<9} {email}  password: {password}")
            else:
                click.echo(f"  {role:<9} {email}  (already existed; password unchanged)")
        click.echo("Sign in at /account/login. Write the passwords down: they are not shown again.")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=True, writable=True))
    def backup(path):
        """Copy the live SQLite database to PATH (a file, or a folder), safely while serving."""
        from domain.backup import backup_sqlite
        from domain.errors import ShopError
        try:
            copy = backup_sqlite(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
        except ShopError as error:
            raise click.ClickException(str(error))
        click.echo(f"Backed up to {copy.path}: {copy.size / 1_048_576:.1f} MB, "
                   f"{copy.products} product{'' if copy.products == 1 else 's'}.")
        click.echo(f"Product photos are files in {current_app.config['UPLOAD_FOLDER']}; "
                   "copy that folder too.")

    @app.cli.command("import-products")
    @click.argument("csv_path", metavar="CSV", type=click.Path(exists=True, dir_okay=False))
    @click.option("--inventory", "inventory_path", metavar="INVENTORY.csv",
                  type=click.Path(exists=True, dir_okay=False),
                  help="Shopify's inventory export: sets each variant's stock, found by the "
                       "product's handle and the variant's options.")
    def import_products(csv_path, inventory_path):
        """Import or update products from a Shopify product export (CSV)."""
        from blueprints.products.context import photos_address
        from domain import importer, shopconfig, transaction
        from domain.errors import ImportFailed
        try:
            columns, groups, problems = importer.read_csv(csv_path)
            inventory = importer.read_inventory(inventory_path) if inventory_path else None
        except ImportFailed as error:
            raise click.ClickException(str(error))
        currency = shopconfig.load().currency
        with current_app.test_request_context(base_url=current_app.config["SHOP_URL"]):
            own_media = photos_address()
        with click.progressbar(groups, label=f"Importing {len(groups)} products") as bar:
            report = importer.import_products(
                bar, columns, currency, current_app.config["UPLOAD_FOLDER"],
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
    def worker_command(once, interval):
        """Send queued emails (retrying failures), expire unpaid bank transfers and run the
        imports started in the back office, until stopped."""
        import worker
        worker.run(current_app._get_current_object(), once=once, interval=interval,
                   echo=lambda line: click.echo(line))
