"""`flask --app shop <command>`: the merchant's operations from the command line."""
import click


def register(app):
    @app.cli.command("create-merchant")
    @click.option("--email", prompt=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_merchant(email, password):
        """Create a merchant account for the back office."""
        from domain import accounts
        from domain.errors import ShopError
        from domain.extensions import db
        try:
            accounts.register(email, password, merchant=True)
        except ShopError as error:
            raise click.ClickException(str(error))
        db.session.commit()
        click.echo(f"Merchant {email} created. Sign in at /account/login.")
