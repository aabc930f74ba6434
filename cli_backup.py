"""`flask --app shop backup` and `flask --app shop restore ARCHIVE` (domain/backup.py, restore.py)."""
import os
import shutil
import tempfile
from datetime import datetime, timezone

import click
from flask import current_app


def _folders(config):
    """The photo folders a backup reads and a restore writes: none when the photos are kept in
    an object store (PHOTO_STORAGE=s3://...), whose own versioning or replication keeps them."""
    from domain.backup import PHOTO_FOLDERS
    in_folders = config.get("PHOTO_STORAGE", "file") == "file"
    return {setting: config[setting] if in_folders else None for setting in PHOTO_FOLDERS.values()}


def _scripts():
    from domain.backup import migration_scripts
    return migration_scripts(current_app.extensions["migrate"].directory)


def _summary(manifest):
    counts = manifest["counts"]
    return (f"shop version {manifest['shop_version']}, {counts['products']} products, "
            f"{counts['orders']} orders, {counts['accounts']} accounts, "
            f"{counts['returns']} returns, {counts['uploads']} photo files, "
            f"{counts['return_photos']} return photos, "
            f"{counts.get('conversation_photos', 0)} photos sent with questions, "
            f"{counts.get('review_photos', 0)} review photos")


def _last_seen(uri):
    """The worker's last heartbeat, read without creating a database that is not there."""
    from sqlalchemy.exc import SQLAlchemyError

    from domain import heartbeat, pgtools
    from domain.backup import sqlite_path
    from domain.extensions import db
    from domain.transaction import finish
    if pgtools.database_kind(uri) == "sqlite" and not os.path.exists(sqlite_path(uri)):
        return None
    try:
        return heartbeat.last_seen()
    except SQLAlchemyError:
        return None  # no shop tables yet: a new machine the backup is restored onto
    finally:
        finish(False)
        db.session.remove()
        db.engine.dispose()  # our own connections must not count as the shop running


def register(app):
    @app.cli.command("backup")
    @click.argument("path", required=False, type=click.Path(dir_okay=True, writable=True))
    @click.option("--keep", type=click.IntRange(min=1), default=None,
                  help="Then delete all but the KEEP newest shop-*.tar.gz archives in the "
                       "archive's folder (the daily timer keeps 14).")
    def backup(path, keep):
        """Write the shop (database snapshot, product and return photos, a manifest) to one
        .tar.gz archive in PATH (a folder or a file name; default: instance/backups/), safely
        while the shop serves."""
        from domain import backup as backups
        from domain.errors import ShopError
        config = current_app.config
        try:
            made = backups.create(config["SQLALCHEMY_DATABASE_URI"], _folders(config),
                                  path or config["BACKUP_FOLDER"] + os.sep)
        except ShopError as error:
            raise click.ClickException(str(error))
        click.echo(f"Backed up to {made.path}: {made.size / 1_048_576:.1f} MB in "
                   f"{made.seconds:.1f} s ({_summary(made.manifest)}).")
        if config.get("PHOTO_STORAGE", "file") != "file":
            click.echo(f"Photos are kept in {config['PHOTO_STORAGE']} and are not in the archive: "
                       "keep the bucket's versioning or replication on.")
        if keep:
            gone = backups.prune(os.path.dirname(made.path), keep)
            if gone:
                click.echo(f"Deleted {len(gone)} older archive(s), keeping the {keep} newest: "
                           + ", ".join(gone))

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Restore without asking first.")
    def restore(archive, yes):
        """Put a backup archive back into a stopped shop: its database and photos replace the
        current ones, which are kept aside (renamed) rather than deleted."""
        from flask_migrate import upgrade

        from domain import pgtools, restore as restoring
        from domain.errors import ShopError
        config = current_app.config
        uri = config["SQLALCHEMY_DATABASE_URI"]
        scripts = _scripts()
        # Unpacked beside the photos, so that moving them into place is a rename.
        parent = os.path.dirname(os.path.abspath(config["UPLOAD_FOLDER"]))
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(dir=parent, prefix=".restore-")
        try:
            opened = restoring.open_archive(archive, staging)
            manifest = opened.manifest
            restoring.check_version(manifest, scripts, pgtools.database_kind(uri))
            click.echo(f"{os.path.basename(archive)}, taken {manifest['created_at']}: "
                       f"{_summary(manifest)}.")
            now = datetime.now(timezone.utc)
            signs = restoring.running_signs(uri, _last_seen(uri), now)
            if signs:
                raise ShopError(
                    "The shop seems to be running: " + "; ".join(signs) + ". Stop it first "
                    "(systemctl stop moonjar-web moonjar-worker, or Ctrl+C where make run serves), "
                    "then restore again. Nothing was changed.")
            if not yes:
                answer = click.prompt("This replaces the shop's database and photos with the "
                                      "backup's. Type yes to restore", default="",
                                      show_default=False)
                if answer.strip().lower() != "yes":
                    raise ShopError("Not restored: the answer was not yes. Nothing was changed.")
            stamp = now.strftime("%Y%m%d_%H%M%S")
            done = restoring.restore(opened, uri, _folders(config), stamp)
        except ShopError as error:
            raise click.ClickException(str(error))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        click.echo("Restored. What the shop held before is kept aside: "
                   + ", ".join(done.kept_aside or ["(there was nothing)"]) + ".")
        head = scripts.get_current_head()
        if manifest["shop_version"] != head:
            click.echo(f"Migrating the restored database from {manifest['shop_version']} "
                       f"to {head} ...")
            upgrade()
        click.echo("Start the shop again (systemctl start moonjar moonjar-worker, or make run).")
