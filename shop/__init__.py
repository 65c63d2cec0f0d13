"""The professional mesotherapy shop: ``create_app`` builds the Flask application.

No I/O and no migrations here: the schema comes from ``flask db upgrade``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from shop.config import ROOT, BaseConfig, ConfigError, config_class
from shop.extensions import bootstrap, csrf, db, limiter, login_manager, migrate
from shop.media.images import MAX_BYTES as PRODUCT_IMAGE_MAX_BYTES

__all__ = ["create_app", "ConfigError"]

# Request bodies may exceed the largest licence scan or product picture by this much (the form's other
# fields and the multipart framing); anything bigger is cut off with a 413 unread.
UPLOAD_MARGIN_BYTES = 512 * 1024


def create_app(config: str | type[BaseConfig] | None = None, **overrides: Any) -> Flask:
    """Build the app from a config class (or its name, or ``SHOP_ENV``) plus overrides."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    cls = config if isinstance(config, type) else config_class(config)
    app.config.from_object(cls)
    app.config.update(cls.load_environment())
    app.config.update(overrides)
    cls.validate(app.config)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        largest = max(app.config["LICENCE_MAX_BYTES"], PRODUCT_IMAGE_MAX_BYTES)
        app.config["MAX_CONTENT_LENGTH"] = largest + UPLOAD_MARGIN_BYTES
    app.config["SHOP_ENV"] = cls.ENV_NAME

    from shop.json_encoding import OrjsonProvider

    app.json = OrjsonProvider(app)

    if app.config.get("PROXY_COUNT"):
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from shop.error_tracking import init_error_tracking

    init_error_tracking(app)
    _init_extensions(app)
    _register_blueprints(app)

    from shop.errors import register_error_handlers
    from shop.guard import register_request_guard
    from shop.http_caching import register_cache_control
    from shop.logs import register_request_id
    from shop.metrics import register_request_metrics
    from shop.rate_limits import register_fallback_warning
    from shop.security import register_security_headers
    from shop.static_files import register_static_versions
    from shop.templating import register_template_helpers

    register_request_guard(app)
    register_error_handlers(app)
    register_request_id(app)
    register_request_metrics(app)
    register_fallback_warning(app)
    register_security_headers(app)
    register_cache_control(app)
    register_template_helpers(app)
    register_static_versions(app)

    from shop.cli import shop_cli

    app.cli.add_command(shop_cli)
    return app


def _init_extensions(app: Flask) -> None:
    from shop import database
    from shop.rate_limits import configure_storage

    url, options = database.engine_options(app.config, app.instance_path)
    app.config.update(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=options)
    db.init_app(app)
    database.configure_engines(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    configure_storage(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Log in to see this page."
    login_manager.login_message_category = "info"


# The modules that define routes; each attaches them to its package's blueprint.py.
VIEW_MODULES = (
    "shop.accounts.views",
    "shop.accounts.second_factor_views",
    "shop.admin.audit",
    "shop.admin.catalog",
    "shop.admin.catalog_csv",
    "shop.admin.invoices",
    "shop.admin.leaflet",
    "shop.admin.orders",
    "shop.admin.shipping",
    "shop.admin.pictures",
    "shop.admin.stock",
    "shop.admin.tax",
    "shop.admin.users",
    "shop.admin.views",
    "shop.api.planning",
    "shop.api.views",
    "shop.billing.views",
    "shop.checkout.views",
    "shop.courses.views",
    "shop.licensing.views",
    "shop.media.views",
    "shop.orders.views",
    "shop.payments.views",
    "shop.shipping.views",
    "shop.storefront.views",
    "shop.tax.views",
)


def _register_blueprints(app: Flask) -> None:
    for module in VIEW_MODULES:
        import_module(module)
    from shop.accounts.blueprint import bp as accounts_bp
    from shop.admin.blueprint import bp as admin_bp
    from shop.api.blueprint import bp as api_bp
    from shop.billing.blueprint import bp as billing_bp
    from shop.checkout.blueprint import bp as checkout_bp
    from shop.courses.blueprint import bp as courses_bp
    from shop.health import bp as health_bp
    from shop.licensing.blueprint import bp as licensing_bp
    from shop.media.blueprint import bp as media_bp
    from shop.orders.blueprint import bp as orders_bp
    from shop.payments.blueprint import bp as payments_bp
    from shop.shipping.blueprint import bp as shipping_bp
    from shop.storefront.blueprint import bp as storefront_bp
    from shop.tax.blueprint import bp as tax_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(storefront_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(licensing_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(checkout_bp)
    app.register_blueprint(courses_bp, url_prefix="/planner")
    app.register_blueprint(orders_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(shipping_bp)
    app.register_blueprint(billing_bp)
    app.register_blueprint(tax_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    # Importing the models registers every table with the metadata Alembic compares.
    from shop import models  # noqa: F401
