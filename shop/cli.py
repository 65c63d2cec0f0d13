"""``flask --app wsgi shop ...``: thin commands over the services.

Each command is one transaction: it commits when the work is whole and exits
non-zero with a one-line reason otherwise.
"""

from __future__ import annotations

import logging
import os
import signal

import click
from flask import current_app
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
    """Add the demo catalogue and stock, and in development the demo accounts;
    running it again changes nothing."""
    from shop.demo import seed_demo, seed_generated_products
    from shop.demo_accounts import seed_demo_accounts

    # Known passwords are for a developer's machine only, never a shared server.
    with_accounts = current_app.config["SHOP_ENV"] == "development"
    try:
        report = seed_demo()
        added = seed_generated_products(generated)
        accounts = seed_demo_accounts() if with_accounts else None
        db.session.commit()
    except ShopError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"demo catalogue: {report}")
    click.echo(f"demo accounts: {accounts or 'none (development only)'}")
    if generated:
        click.echo(f"generated products: added {added}, {generated} wanted")


@shop_cli.command("import-products")
@click.argument("path", metavar="FILE.csv")
@click.option(
    "--apply",
    "apply_it",
    is_flag=True,
    help="Import the file. Without it, a dry run: the problems or the plan, nothing changed.",
)
@with_appcontext
def import_products_command(path: str, apply_it: bool) -> None:
    """Create or update products by SKU from a CSV file (the columns export-products
    writes). A dry run unless --apply; a file with any problem imports nothing."""
    from shop.catalog.csv_io import (
        ProductImportRefused,
        RowAction,
        import_products,
        plan_import,
    )

    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        plan = import_products(None, data) if apply_it else plan_import(data)
        problems = plan.problems
    except ProductImportRefused as refused:
        db.session.rollback()
        problems = refused.problems
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {path}:"
            " nothing imported"
        )
    for row in plan.changes:
        what = f" ({', '.join(row.changed)})" if row.action == RowAction.UPDATE else ""
        click.echo(f"line {row.line}: {row.action} {row.fields.sku}{what}")
    if apply_it:
        db.session.commit()
        click.echo(
            f"imported: {plan.count(RowAction.CREATE)} created,"
            f" {plan.count(RowAction.UPDATE)} updated, {plan.count(RowAction.UNCHANGED)} unchanged"
        )
    else:
        db.session.rollback()
        click.echo(f"dry run: {plan.summary()}; nothing changed (--apply imports it)")


@shop_cli.command("export-products")
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8", lazy=True),
    default="-",
    help="Write to this file instead of the standard output.",
)
@with_appcontext
def export_products_command(output) -> None:
    """Write every product, active or not, as CSV (UTF-8), by SKU."""
    from shop.catalog.csv_io import export_products

    output.write(export_products())


ADMIN_PASSWORD_VARIABLE = "SHOP_ADMIN_PASSWORD"


@shop_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True, help="For a new account.")
@with_appcontext
def create_admin_command(email: str, name: str) -> None:
    """Create an administrator, or make an existing user one.

    A new account's password is read from SHOP_ADMIN_PASSWORD when it is set, and
    otherwise asked for twice without being shown. It is never taken on the
    command line, where the shell history and the process list would keep it.
    """
    from shop.accounts.errors import AccountError
    from shop.accounts.services import (
        create_admin,
        find_user_by_email,
        promote_to_admin,
        validate_email_address,
    )
    from shop.database import utcnow

    try:
        address = validate_email_address(email)
        user = find_user_by_email(address)
        if user is not None:
            promoted = promote_to_admin(user)
            db.session.commit()
            click.echo(f"{address} is {'now' if promoted else 'already'} an administrator")
            return
        password = os.environ.get(ADMIN_PASSWORD_VARIABLE) or click.prompt(
            "Password", hide_input=True, confirmation_prompt=True
        )
        create_admin(email=address, name=name, password=password, now=utcnow())
        db.session.commit()
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(" ".join(exc.messages)) from None
    click.echo(f"created administrator {address}")


@shop_cli.command("totp-code")
@click.argument("email")
@with_appcontext
def totp_code_command(email: str) -> None:
    """Print the current second-factor code of a user (development only: the demo
    administrator's secret is in the README)."""
    import pyotp

    from shop.accounts.services import find_user_by_email

    if current_app.config["SHOP_ENV"] != "development":
        raise click.ClickException(
            "totp-code works in development only: elsewhere the code comes from the user's app"
        )
    user = find_user_by_email(email)
    if user is None or not user.has_second_factor:
        raise click.ClickException(f"{email} has no account with a second factor")
    click.echo(pyotp.TOTP(user.totp_secret).now())


@shop_cli.command("reset-second-factor")
@click.argument("email")
@click.option("--reason", required=True, help="Why: the audit trail keeps it.")
@with_appcontext
def reset_second_factor_command(email: str, reason: str) -> None:
    """Remove a user's second factor and end their sessions, for an administrator who lost
    both their phone and their recovery codes with no other administrator to reset it.
    They set up a new one at their next log-in."""
    from shop.accounts.errors import AccountError
    from shop.accounts.second_factor import remove_second_factor
    from shop.accounts.services import find_user_by_email
    from shop.database import utcnow

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"there is no account {email}")
    try:
        # The operator acts as the system: recorded as the user's reset with the reason.
        remove_second_factor(user, actor=None, reason=reason, now=utcnow())
        db.session.commit()
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"second factor of {user.email} removed; their sessions ended")


@shop_cli.command("worker")
@click.option(
    "--once", is_flag=True, help="Run every job once now, whatever the schedule, then exit."
)
@with_appcontext
def worker_command(once: bool) -> None:
    """Deliver mail and run the periodic jobs until SIGTERM or Ctrl-C."""
    from shop.logs import configure_process_logging
    from shop.worker import PERIODIC_JOBS, Worker

    config = current_app.config
    configure_process_logging(
        current_app, os.environ.get("LOG_LEVEL", "INFO"), config["LOG_FORMAT"]
    )
    log = logging.getLogger("shop.worker")
    if db.engine.dialect.name == "sqlite":
        log.info("worker: on SQLite, run one worker only (docs/operations.md)")
    worker = Worker(PERIODIC_JOBS, heartbeat_seconds=config["WORKER_HEARTBEAT_SECONDS"])
    if not once:

        def stop(signum, _frame) -> None:
            # The first signal lets the job under way finish; a second one is not caught.
            signal.signal(signum, signal.SIG_DFL)
            log.info("worker: stopping after the job under way")
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    jobs = ", ".join(f"{job.name} every {job.interval_seconds:g}s" for job in PERIODIC_JOBS)
    log.info("worker: %s started (%s)", worker.name, jobs)
    worker.run(once=once)
    log.info("worker: %s stopped", worker.name)


@shop_cli.command("worker-status")
@with_appcontext
def worker_status_command() -> None:
    """Show the running workers' heartbeats and each periodic job's last runs.

    Exits 1 when no worker has reported in lately, so a monitor can call it."""
    from shop.database import utcnow
    from shop.durations import describe_duration
    from shop.operations.jobs import list_schedules
    from shop.operations.workers import SILENT_AFTER_BEATS, list_workers
    from shop.worker import PERIODIC_JOBS

    heartbeat = current_app.config["WORKER_HEARTBEAT_SECONDS"]
    now = utcnow()

    def ago(moment) -> str:
        if moment is None:
            return "never"
        return f"{describe_duration((now - moment).total_seconds())} ago"

    workers = list_workers(now, heartbeat)
    schedules = {schedule.name: schedule for schedule in list_schedules()}
    db.session.rollback()
    click.echo("workers:")
    for state in workers:
        row = state.worker
        doing = (
            f"running {row.current_job} since {ago(row.job_started_at)}"
            if row.current_job
            else "idle"
        )
        health = "alive" if state.alive else "SILENT"
        click.echo(f"  {row.name}  {health}, last heartbeat {ago(row.beat_at)}, {doing}")
    if not workers:
        click.echo("  none")
    click.echo("jobs:")
    for job in PERIODIC_JOBS:
        schedule = schedules.get(job.name)
        if schedule is None:
            click.echo(f"  {job.name}  never run")
            continue
        line = f"  {job.name}  every {job.interval_seconds:g}s, last success {ago(schedule.last_succeeded_at)}"
        if schedule.last_error:  # cleared by the next success
            error = schedule.last_error.splitlines()[0]
            line += f", last pass FAILED {ago(schedule.last_failed_at)}: {error}"
        click.echo(line)
    if not any(state.alive for state in workers):
        raise click.ClickException(
            f"no worker has reported in within {heartbeat * SILENT_AFTER_BEATS:g} seconds"
        )


def _job_command(job) -> click.Command:
    """``flask shop <job>``: one pass of a periodic job, for cron or by hand."""

    @with_appcontext
    def run_once() -> None:
        from shop.worker import run_job

        try:
            report = run_job(job)
        except ShopError as exc:
            raise click.ClickException(exc.message) from None
        click.echo(f"{job.name}: {report or 'nothing to do'}")

    return click.Command(
        job.name,
        callback=run_once,
        help=f"{job.description} One pass; the worker runs it every "
        f"{job.interval_seconds:g} seconds.",
    )


def _add_job_commands() -> None:
    from shop.worker import PERIODIC_JOBS

    for job in PERIODIC_JOBS:
        shop_cli.add_command(_job_command(job))


_add_job_commands()
