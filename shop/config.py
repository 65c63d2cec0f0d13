"""Configuration classes, read from the environment.

``SHOP_ENV`` picks the class (``production`` unless told otherwise, so a
forgotten variable never serves a development configuration). Production
refuses to start without its secrets: nothing secret has a default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRICE_AUDIENCES = ("everyone", "verified")  # see PRICES_VISIBLE_TO


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
    # Who sees prices and stock figures, on pages and in the API: "everyone", or
    # "verified" (professionals whose licence is approved and unexpired).
    PRICES_VISIBLE_TO = "everyone"

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
        if os.environ.get("PRICES_VISIBLE_TO"):
            values["PRICES_VISIBLE_TO"] = os.environ["PRICES_VISIBLE_TO"].strip().lower()
        return values

    @classmethod
    def validate(cls, config: dict) -> None:
        """Raise ConfigError with a one-line reason when the app cannot start."""
        audience = config.get("PRICES_VISIBLE_TO")
        if audience not in PRICE_AUDIENCES:
            choices = " or ".join(PRICE_AUDIENCES)
            raise ConfigError(f"PRICES_VISIBLE_TO must be {choices}, got {audience!r}")


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
        return values


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = True

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
        super().validate(config)
        if not config.get("SECRET_KEY"):
            raise ConfigError("SECRET_KEY is not set: production needs a long random secret")
        if len(config["SECRET_KEY"]) < 32:
            raise ConfigError("SECRET_KEY is too short: production needs at least 32 characters")
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            raise ConfigError("DATABASE_URL is not set: production needs its database address")


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
