"""``flask --app wsgi shop ...``: thin commands over the services.

Each command is one transaction: it commits when the work is whole and exits
non-zero with a one-line reason otherwise.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from shop.errors import ShopError
from shop.extensions import db


@click.group("shop")
def shop_cli() -> None:
    """Shop administration commands."""


@shop_cli.command("seed-demo")
@click.option(
    "--products",
    "generated",
    type=click.IntRange(min=0, max=1_000_000),
    default=0,
    show_default=True,
    help="Also make sure this many generated products exist (for benchmarks).",
)
@with_appcontext
def seed_demo_command(generated: int) -> None:
    """Add the demo catalogue and stock; running it again changes nothing."""
    from shop.demo import seed_demo, seed_generated_products

    try:
        report = seed_demo()
        added = seed_generated_products(generated)
        db.session.commit()
    except ShopError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"demo catalogue: {report}")
    if generated:
        click.echo(f"generated products: added {added}, {generated} wanted")


@shop_cli.command("expire-licences")
@with_appcontext
def expire_licences_command() -> None:
    """Expire licences past their date and send the 30-day reminders (one transaction)."""
    from shop.database import utcnow
    from shop.licensing.expiry import expire_licences

    try:
        report = expire_licences(utcnow())
        db.session.commit()
    except ShopError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"licences: {report}")
