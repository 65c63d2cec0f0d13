"""Configuration classes, read from the environment.

``SHOP_ENV`` picks the class (``production`` unless told otherwise, so a
forgotten variable never serves a development configuration). Production
refuses to start without its secrets: nothing secret has a default.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

# The local Stripe server (shop.payments.localstripe_server) accepts any key with the right
# prefix; these name it plainly, so production can recognise and refuse them.
LOCAL_STRIPE_PORT = 8420
LOCAL_STRIPE_SECRET_KEY = "sk_test_local"
LOCAL_STRIPE_PUBLISHABLE_KEY = "pk_test_local"
LOCAL_STRIPE_WEBHOOK_SECRET = "whsec_local_development"
LOCAL_STRIPE_KEYS = {
    LOCAL_STRIPE_SECRET_KEY,
    LOCAL_STRIPE_PUBLISHABLE_KEY,
    LOCAL_STRIPE_WEBHOOK_SECRET,
}
STRIPE_ENV_KEYS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")


def local_stripe_urls(port: int, host: str = "127.0.0.1") -> dict[str, str]:
    """The API base and Stripe.js address of a local Stripe server.

    Its Stripe.js stand-in derives the API address from its own URL, which must end
    in ``/js.stripe.com/v3/``.
    """
    base = f"http://{host}:{port}"
    return {"STRIPE_API_BASE": base, "STRIPE_JS_URL": f"{base}/js.stripe.com/v3/"}


def is_loopback_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


class ConfigError(RuntimeError):
    """The configuration cannot work; the message is one line for the operator."""


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for bare PostgreSQL URLs (Heroku-style ``postgres://`` too)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc


def _env_float(name: str) -> float:
    value = os.environ[name]
    try:
        return float(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number of seconds, got {value!r}") from exc


class BaseConfig:
    ENV_NAME = "base"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_RECORD_QUERIES = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Pooled connections idle for longer than this are pinged before use (shop.database).
    DATABASE_PING_AFTER_IDLE_SECONDS = 10.0

    SHOP_NAME = "MesoPro"
    SHOP_LOCALE = "en_IE"  # how prices and dates are written
    DEFAULT_CURRENCY = "EUR"
    CATALOG_PER_PAGE = 24
    CATALOG_MAX_PER_PAGE = 100

    # Catalogue cache: entries are keyed by the catalogue's state token, so a
    # change anywhere invalidates them for every worker and host at once.
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 600
    CACHE_THRESHOLD = 500  # entries per process (a listing page is ~60 KB)
    CACHE_KEY_PREFIX = "shop:"

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    API_RATE_LIMIT = "600 per minute"

    BOOTSTRAP_SERVE_LOCAL = True  # CSS/JS come from the installed package, never a CDN

    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = 0

    # Stripe: keys come from the environment only. The API base and the Stripe.js address
    # are settings so that development and tests run against the local Stripe server.
    STRIPE_SECRET_KEY: str | None = None
    STRIPE_PUBLISHABLE_KEY: str | None = None
    STRIPE_WEBHOOK_SECRET: str | None = None
    STRIPE_API_BASE = "https://api.stripe.com"
    STRIPE_JS_URL = "https://js.stripe.com/v3/"
    # Retries of requests that failed on the network; safe because every request that
    # creates something carries an idempotency key.
    STRIPE_MAX_NETWORK_RETRIES = 2

    @classmethod
    def load_environment(cls) -> dict:
        """Values taken from the environment; each class decides what is required."""
        values: dict = {}
        if os.environ.get("SECRET_KEY"):
            values["SECRET_KEY"] = os.environ["SECRET_KEY"]
        if os.environ.get("DATABASE_URL"):
            values["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
        if os.environ.get("DATABASE_PING_AFTER_IDLE_SECONDS"):
            values["DATABASE_PING_AFTER_IDLE_SECONDS"] = _env_float(
                "DATABASE_PING_AFTER_IDLE_SECONDS"
            )
        if os.environ.get("RATELIMIT_STORAGE_URI"):
            values["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
        if os.environ.get("RATELIMIT_ENABLED"):
            values["RATELIMIT_ENABLED"] = _env_bool("RATELIMIT_ENABLED", True)
        if os.environ.get("API_RATE_LIMIT"):
            values["API_RATE_LIMIT"] = os.environ["API_RATE_LIMIT"]
        if os.environ.get("CACHE_TYPE"):  # e.g. NullCache, to measure the uncached path
            values["CACHE_TYPE"] = os.environ["CACHE_TYPE"]
        if os.environ.get("CACHE_REDIS_URL"):
            values["CACHE_TYPE"] = "RedisCache"
            values["CACHE_REDIS_URL"] = os.environ["CACHE_REDIS_URL"]
        if os.environ.get("PROXY_COUNT"):
            values["PROXY_COUNT"] = _env_int("PROXY_COUNT", 0)
        for name in (*STRIPE_ENV_KEYS, "STRIPE_API_BASE", "STRIPE_JS_URL"):
            if os.environ.get(name):
                values[name] = os.environ[name]
        return values

    @classmethod
    def validate(cls, config: dict) -> None:
        """Raise ConfigError with a one-line reason when the app cannot start."""


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    DEBUG = True
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{ROOT / 'instance' / 'shop.sqlite3'}"

    @classmethod
    def load_environment(cls) -> dict:
        values = super().load_environment()
        # `make run` writes a SECRET_KEY into .env; a bare `flask run` still works
        # with a throwaway key (sessions then end with the process).
        values.setdefault("SECRET_KEY", secrets.token_hex(32))
        # Without Stripe keys of one's own, pay on the local Stripe server that `make run`
        # starts (on STRIPE_PORT); with them, on Stripe itself unless told otherwise.
        if not any(name in values for name in STRIPE_ENV_KEYS):
            local = local_stripe_urls(_env_int("STRIPE_PORT", LOCAL_STRIPE_PORT))
            values.update({name: values.get(name, url) for name, url in local.items()})
            values["STRIPE_SECRET_KEY"] = LOCAL_STRIPE_SECRET_KEY
            values["STRIPE_PUBLISHABLE_KEY"] = LOCAL_STRIPE_PUBLISHABLE_KEY
            values["STRIPE_WEBHOOK_SECRET"] = LOCAL_STRIPE_WEBHOOK_SECRET
        return values

    @classmethod
    def validate(cls, config: dict) -> None:
        missing = [name for name in STRIPE_ENV_KEYS if not config.get(name)]
        if missing:
            raise ConfigError(
                f"{', '.join(missing)} not set: set all three Stripe keys, or none to pay "
                "on the local Stripe server"
            )


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = True
    # The payment tests start their own local Stripe server and point the app at its port.
    STRIPE_SECRET_KEY = LOCAL_STRIPE_SECRET_KEY
    STRIPE_PUBLISHABLE_KEY = LOCAL_STRIPE_PUBLISHABLE_KEY
    STRIPE_WEBHOOK_SECRET = "whsec_local_testing"
    STRIPE_API_BASE = local_stripe_urls(LOCAL_STRIPE_PORT)["STRIPE_API_BASE"]
    STRIPE_JS_URL = local_stripe_urls(LOCAL_STRIPE_PORT)["STRIPE_JS_URL"]
    STRIPE_MAX_NETWORK_RETRIES = 0  # a test fails at the first refusal, not after retries

    @classmethod
    def load_environment(cls) -> dict:
        # Tests say everything they need explicitly; the developer's .env must not leak in.
        return {}


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def validate(cls, config: dict) -> None:
        if not config.get("SECRET_KEY"):
            raise ConfigError("SECRET_KEY is not set: production needs a long random secret")
        if len(config["SECRET_KEY"]) < 32:
            raise ConfigError("SECRET_KEY is too short: production needs at least 32 characters")
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            raise ConfigError("DATABASE_URL is not set: production needs its database address")
        cls.validate_stripe(config)

    @classmethod
    def validate_stripe(cls, config: dict) -> None:
        """Refuse keys that are missing, misplaced or the local server's, and local addresses."""
        prefixes = {
            "STRIPE_SECRET_KEY": ("sk_", "rk_"),  # a restricted key will do for the shop
            "STRIPE_PUBLISHABLE_KEY": ("pk_",),
            "STRIPE_WEBHOOK_SECRET": ("whsec_",),
        }
        for name, allowed in prefixes.items():
            value = config.get(name)
            if not value:
                raise ConfigError(f"{name} is not set: production needs the shop's Stripe keys")
            if value in LOCAL_STRIPE_KEYS:
                raise ConfigError(
                    f"{name} is the local Stripe server's: production needs real keys"
                )
            if not value.startswith(allowed):
                raise ConfigError(f"{name} must start with {' or '.join(allowed)}")
        for name in ("STRIPE_API_BASE", "STRIPE_JS_URL"):
            url = config.get(name) or ""
            if is_loopback_url(url):
                raise ConfigError(
                    f"{name}={url} is the local Stripe server: production pays on Stripe"
                )
            if urlsplit(url).scheme != "https":
                raise ConfigError(f"{name} must be an https:// address, got {url!r}")


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class(name: str | None = None) -> type[BaseConfig]:
    name = (name or os.environ.get("SHOP_ENV") or "production").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        choices = ", ".join(CONFIGS)
        raise ConfigError(f"SHOP_ENV={name!r} is unknown; use one of: {choices}") from None
