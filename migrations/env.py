import logging
from contextlib import contextmanager
from logging.config import fileConfig

from flask import current_app

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging. The loggers that exist already (the
# app's, when migrations run inside it, as the tests do) keep working.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def include_object(obj, name, type_, reflected, compare_to):
    """Leave out what the models create on another database only (ddl_if), such as
    PostgreSQL's trigram index, so `flask db check` agrees on every database."""
    ddl_if = getattr(obj, "_ddl_if", None)
    if ddl_if is not None and ddl_if.dialect is not None:
        dialect = context.get_context().dialect.name
        wanted = ddl_if.dialect if isinstance(ddl_if.dialect, (tuple, list, set)) else (ddl_if.dialect,)
        return dialect in wanted
    return True


def render_item(type_, obj, autogen_context):
    """Write the shop's UTC timestamps as plain timezone-aware DateTime columns."""
    from shop.database import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


@contextmanager
def _no_statement_timeout(connection):
    """Requests get a statement timeout on PostgreSQL (shop.database); a migration may
    rightly run longer (an index on a big table), so it has none, and the client-side
    bound leaves it alone too (shop.database_faults). What it must not do is wait long
    for a lock: an ALTER TABLE queued behind a long transaction would queue every
    request for that table behind itself. So it gives up after MIGRATION_LOCK_TIMEOUT
    milliseconds, changing nothing; run it again. Restored afterwards for the pool."""
    if connection.dialect.name != "postgresql":
        yield
        return
    from shop.database_faults import WATCHDOG

    lock_timeout = int(current_app.config["MIGRATION_LOCK_TIMEOUT"])
    connection.exec_driver_sql("SET statement_timeout = 0")
    connection.exec_driver_sql(f"SET lock_timeout = {lock_timeout}")
    connection.commit()
    try:
        with WATCHDOG.unbounded(connection.connection.dbapi_connection):
            yield
    finally:
        connection.rollback()
        connection.exec_driver_sql("RESET statement_timeout")
        connection.exec_driver_sql("RESET lock_timeout")
        connection.commit()


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True,
        include_object=include_object, render_item=render_item,
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection, _no_statement_timeout(connection):
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            include_object=include_object,
            render_item=render_item,
            **conf_args
        )

        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
