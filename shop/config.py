"""Configuration classes, read from the environment.

``SHOP_ENV`` picks the class (``production`` unless told otherwise, so a
forgotten variable never serves a development configuration). Production
refuses to start without its secrets: nothing secret has a default.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import babel
from stdnum.eu import vat as eu_vat

ROOT = Path(__file__).resolve().parent.parent
PRICE_AUDIENCES = ("everyone", "verified")  # see PRICES_VISIBLE_TO
LICENCE_SHIPPING_AREAS = ("jurisdiction", "eu")  # see LICENCE_SHIPPING_AREA
PRICES_ENTERED_CHOICES = ("net", "gross")  # see PRICES_ENTERED
SELLER_KEYS = ("SELLER_LEGAL_NAME", "SELLER_ADDRESS", "SELLER_VAT_NUMBER")

# The local Stripe server (devtools.localstripe) accepts any key with the right
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
CHECKOUT_INT_KEYS = (
    "RESERVATION_MINUTES",
    "RECONCILE_LOOKBACK_HOURS",
)
# Sessions and log-in throttling: whole numbers, each at least 1.
SESSION_INT_KEYS = (
    "SESSION_IDLE_MINUTES",
    "SESSION_LIFETIME_MINUTES",
    "ADMIN_SESSION_IDLE_MINUTES",
    "ADMIN_SESSION_LIFETIME_MINUTES",
    "SESSION_TOUCH_SECONDS",
    "FRESH_LOGIN_MINUTES",
    "LOGIN_FAILURES_BEFORE_DELAY",
    "LOGIN_DELAY_SECONDS",
    "LOGIN_DELAY_MAX_SECONDS",
    "LOGIN_FAILURE_MEMORY_MINUTES",
)
STRIPE_ENV_KEYS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")


SHOP_ID = re.compile(r"^[A-Za-z0-9.:-]{1,60}$")


def shop_id(config: Mapping[str, object]) -> str:
    """This shop's name in its PaymentIntents: SHOP_ID, else SHOP_BASE_URL's host."""
    base_url = str(config.get("SHOP_BASE_URL") or "")
    return str(config.get("SHOP_ID") or urlsplit(base_url).netloc or "mesopro-local")


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


def _env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    value = environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_float(name: str, what: str = "a number of seconds") -> float:
    value = os.environ[name]
    try:
        return float(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be {what}, got {value!r}") from exc


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc
    if number < 0:
        raise ConfigError(f"{name} cannot be negative, got {value!r}")
    return number


class BaseConfig:
    ENV_NAME = "base"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_RECORD_QUERIES = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # PostgreSQL: how long to wait for a connection, and for any one statement, before
    # answering 503; both well inside gunicorn's 30 s worker timeout (shop.database).
    DATABASE_CONNECT_TIMEOUT = 5  # seconds
    DATABASE_STATEMENT_TIMEOUT = 5000  # milliseconds; 0 waits for ever
    # Check each pooled connection before use, so a connection the server closed is
    # replaced instead of failing a request (shop.database.check_connections_on_checkout):
    # locally, and with a round trip only for one idle longer than DATABASE_POOL_PING_IDLE.
    DATABASE_POOL_PRE_PING = True
    DATABASE_POOL_PING_IDLE = 10.0  # seconds
    # A server that goes silent cannot enforce its own statement timeout: the client
    # drops a connection whose statement has waited this long past it (shop.database_faults).
    DATABASE_CLIENT_GRACE = 3.0  # seconds
    # After a connection attempt fails, new attempts in this process fail at once (503)
    # for this long instead of each waiting the connect timeout again.
    DATABASE_CONNECT_BACKOFF = 2.0  # seconds
    # PostgreSQL: how long a migration may wait for a table lock before it gives up.
    MIGRATION_LOCK_TIMEOUT = 5000  # milliseconds

    SHOP_NAME = "MesoPro"
    # The public address links in mail point to. Never taken from a request's Host
    # header, which the client chooses (a forged one would send reset links elsewhere).
    SHOP_BASE_URL: str | None = None
    SHOP_LOCALE = "en_IE"  # how prices and dates are written
    DEFAULT_CURRENCY = "EUR"
    CATALOG_PER_PAGE = 24
    CATALOG_MAX_PER_PAGE = 100
    # Who sees prices and stock figures, on pages and in the API: "everyone", or
    # "verified" (professionals whose licence is approved and unexpired).
    PRICES_VISIBLE_TO = "everyone"
    # Seconds a proxy or browser may keep an anonymous catalogue page or API answer
    # (Cache-Control: public); pages with a session are never kept (shop.http_caching).
    PUBLIC_MAX_AGE = 60

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # When the shared storage (Redis) fails or hangs, count in this process's memory
    # until it answers again (Flask-Limiter's fallback; shop.rate_limits warns meanwhile).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    REDIS_TIMEOUT = 0.5  # seconds to connect to or hear from Redis before giving up
    API_RATE_LIMIT = "600 per minute"
    # Per client address, on the POSTs that guess passwords or send mail.
    LOGIN_RATE_LIMIT = "10 per minute"
    REGISTRATION_RATE_LIMIT = "10 per hour"
    PASSWORD_RESET_RATE_LIMIT = "5 per 15 minutes"
    CONFIRMATION_RATE_LIMIT = "5 per hour"
    LICENCE_UPLOAD_RATE_LIMIT = "10 per hour"  # per logged-in user

    # Cookies: never readable by scripts, not sent on cross-site POSTs. Production
    # adds Secure. Both name a session record on the server (shop.accounts.sessions):
    # ending the record (log-out, a new password...) ends them at once.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # "Remember me on this device": the shop's own cookie, not Flask-Login's, since its
    # key is replaced each time it starts a session. Never given to administrators.
    REMEMBER_DEVICE_COOKIE_NAME = "remember_device"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # A session ends after this long without a request, or this long after the log-in,
    # whichever comes first; an administrator's sooner. Minutes.
    SESSION_IDLE_MINUTES = 12 * 60
    SESSION_LIFETIME_MINUTES = 30 * 24 * 60
    ADMIN_SESSION_IDLE_MINUTES = 30
    ADMIN_SESSION_LIFETIME_MINUTES = 12 * 60
    # A session's last-seen time is written at most this often (seconds), not per request.
    SESSION_TOUCH_SECONDS = 60
    # Refunds, role changes, licence decisions, the shipping (and tax) tables: the
    # password (and second factor) must have been given within this many minutes.
    FRESH_LOGIN_MINUTES = 15
    # Failed log-ins per account, whatever the client address: after this many, the
    # account's log-in waits LOGIN_DELAY_SECONDS, doubled at each new round of failures
    # up to LOGIN_DELAY_MAX_SECONDS; forgotten after LOGIN_FAILURE_MEMORY_MINUTES quiet.
    LOGIN_FAILURES_BEFORE_DELAY = 10
    LOGIN_DELAY_SECONDS = 60
    LOGIN_DELAY_MAX_SECONDS = 3600
    LOGIN_FAILURE_MEMORY_MINUTES = 60

    # Signed links in mail: how long each works (seconds).
    EMAIL_CONFIRMATION_MAX_AGE = 48 * 3600
    PASSWORD_RESET_MAX_AGE = 3600
    PASSWORD_MIN_LENGTH = 12
    # argon2id cost: argon2-cffi's defaults (RFC 9106's low-memory choice). A hash made
    # with other figures is upgraded at the next log-in.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536  # KiB
    ARGON2_PARALLELISM = 4
    PASSWORD_MIN_SCORE = 3  # zxcvbn's 0-4 scale

    # Mail. "smtp" delivers through MAIL_SERVER; "file" writes one .eml per message
    # into MAIL_FILE_DIR (development: instance/mail/).
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False  # STARTTLS after connecting
    MAIL_USE_SSL = False  # TLS from the first byte (usually port 465)
    MAIL_TIMEOUT = 10.0
    MAIL_DEFAULT_SENDER = "MesoPro <no-reply@localhost>"
    MAIL_FILE_DIR: str | None = None  # default: <instance>/mail
    MAIL_MAX_ATTEMPTS = 8
    MAIL_RETRY_BASE_SECONDS = 60  # doubled after each failed attempt...
    MAIL_RETRY_MAX_SECONDS = 3600  # ...up to this
    # A claimed message is left alone this long; a worker that died mid-send
    # leaves it to be tried again afterwards. Longer than any send can take.
    MAIL_CLAIM_SECONDS = 300
    MAIL_BATCH_SIZE = 50

    # Operations. The worker writes a heartbeat this often (flask shop worker-status).
    WORKER_HEARTBEAT_SECONDS = 10
    # GET /metrics answers only a request with "Authorization: Bearer <METRICS_TOKEN>";
    # without a token set it does not exist (404).
    METRICS_TOKEN: str | None = None
    # Error tracking with Sentry, off unless SENTRY_DSN is set (shop.error_tracking).
    SENTRY_DSN: str | None = None
    SENTRY_ENVIRONMENT: str | None = None  # default: SHOP_ENV
    SENTRY_RELEASE: str | None = None
    SENTRY_TRACES_SAMPLE_RATE = 0.0
    LOG_FORMAT = "text"  # or "json": one object per line (shop.logs)
    # The largest licence scan accepted. Request bodies are cut off with a 413 a
    # little above it (create_app), so a bigger file never reaches memory whole.
    LICENCE_MAX_BYTES = 10 * 1024 * 1024

    # Strict-Transport-Security max-age in seconds; None sends no header (not on plain http).
    HSTS_MAX_AGE: int | None = None

    BOOTSTRAP_SERVE_LOCAL = True  # CSS/JS come from the installed package, never a CDN

    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = 0

    # Checkout: how long the stock of an unpaid order stays held for it. Shipping prices
    # are the back office's methods, zones and rates.
    RESERVATION_MINUTES = 30
    # Where a professional's order may go (the gate): "jurisdiction", the country of the
    # current licence and its region where licences are regional (US, CA, AU); or "eu",
    # which lets a licence issued in the EU ship anywhere in the EU.
    LICENCE_SHIPPING_AREA = "jurisdiction"
    # reconcile-payments looks at orders placed this far back.
    RECONCILE_LOOKBACK_HOURS = 72

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
    # This shop's name in its PaymentIntents' metadata: events about another shop's
    # intents (staging sharing a Stripe account) are acknowledged and ignored. Default:
    # the host of SHOP_BASE_URL (shop_id()).
    SHOP_ID: str | None = None

    # The seller, as invoices name it (shop.tax.seller): legal name, postal address
    # (lines separated by newlines, or by "\n" in the environment), VAT or tax number,
    # the country it sells from, and whether catalogue prices are entered "net" (tax
    # added at checkout) or "gross" (tax included). Production requires the first three.
    SELLER_LEGAL_NAME: str | None = None
    SELLER_ADDRESS: str | None = None
    SELLER_VAT_NUMBER: str | None = None
    SELLER_COUNTRY = "IE"
    PRICES_ENTERED = "net"

    @classmethod
    def load_environment(cls) -> dict:
        """Values taken from the environment; each class decides what is required.

        A variable that is unset or empty leaves the class's default in place.
        """
        values: dict = {}
        for name, (key, read) in ENVIRONMENT.items():
            if os.environ.get(name):
                values[key] = read(name)
        return values

    @classmethod
    def validate(cls, config: dict) -> None:
        """Raise ConfigError with a one-line reason when the app cannot start."""
        if config.get("LICENCE_MAX_BYTES", 0) <= 0:
            raise ConfigError("LICENCE_MAX_BYTES must be a positive number of bytes")
        if config.get("MAIL_BACKEND") not in MAIL_BACKENDS:
            choices = ", ".join(MAIL_BACKENDS)
            raise ConfigError(
                f"MAIL_BACKEND={config.get('MAIL_BACKEND')!r} is unknown; use one of: {choices}"
            )
        if config.get("MAIL_USE_TLS") and config.get("MAIL_USE_SSL"):
            raise ConfigError("MAIL_USE_TLS and MAIL_USE_SSL are both on: choose one")
        base_url = config.get("SHOP_BASE_URL")
        if base_url:
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigError(
                    f"SHOP_BASE_URL={base_url!r} is not an address like https://shop.example"
                )
        audience = config.get("PRICES_VISIBLE_TO")
        if audience not in PRICE_AUDIENCES:
            choices = " or ".join(PRICE_AUDIENCES)
            raise ConfigError(f"PRICES_VISIBLE_TO must be {choices}, got {audience!r}")
        area = config.get("LICENCE_SHIPPING_AREA")
        if area not in LICENCE_SHIPPING_AREAS:
            choices = " or ".join(LICENCE_SHIPPING_AREAS)
            raise ConfigError(f"LICENCE_SHIPPING_AREA must be {choices}, got {area!r}")
        cls.validate_seller(config)
        if config.get("SHOP_ID") and not SHOP_ID.match(config["SHOP_ID"]):
            raise ConfigError(
                f"SHOP_ID={config['SHOP_ID']!r} must be 1 to 60 letters, digits, dots, dashes or colons"
            )
        for name in SESSION_INT_KEYS:
            if config.get(name, 0) < 1:
                raise ConfigError(f"{name} must be at least 1")
        if config["LOGIN_DELAY_MAX_SECONDS"] < config["LOGIN_DELAY_SECONDS"]:
            raise ConfigError("LOGIN_DELAY_MAX_SECONDS must not be less than LOGIN_DELAY_SECONDS")
        if config.get("RESERVATION_MINUTES", 0) < 1:
            raise ConfigError("RESERVATION_MINUTES must be at least 1")
        for name in (
            "DATABASE_POOL_PING_IDLE",
            "DATABASE_CLIENT_GRACE",
            "DATABASE_CONNECT_BACKOFF",
        ):
            if not config.get(name, 0) >= 0:  # NaN too
                raise ConfigError(f"{name} must be 0 or more seconds")
        if not config.get("REDIS_TIMEOUT", 0) > 0:
            raise ConfigError("REDIS_TIMEOUT must be more than 0 seconds")
        for name in _MAIL_POSITIVE_KEYS:
            if config.get(name, 0) < 1:
                raise ConfigError(f"{name} must be at least 1")
        if config.get("MAIL_RETRY_MAX_SECONDS", 0) < config.get("MAIL_RETRY_BASE_SECONDS", 0):
            raise ConfigError(
                "MAIL_RETRY_MAX_SECONDS must not be less than MAIL_RETRY_BASE_SECONDS"
            )
        if config.get("WORKER_HEARTBEAT_SECONDS", 0) < 1:
            raise ConfigError("WORKER_HEARTBEAT_SECONDS must be at least 1")
        token = config.get("METRICS_TOKEN")
        if token is not None and len(token) < 16:
            raise ConfigError("METRICS_TOKEN is too short: use at least 16 random characters")
        if not 0 <= config.get("SENTRY_TRACES_SAMPLE_RATE", 0) <= 1:
            raise ConfigError("SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1")
        log_format = config.get("LOG_FORMAT", "text")
        if log_format not in LOG_FORMATS:
            raise ConfigError(f"LOG_FORMAT must be {' or '.join(LOG_FORMATS)}, got {log_format!r}")

    @classmethod
    def validate_seller(cls, config: dict) -> None:
        entered = config.get("PRICES_ENTERED")
        if entered not in PRICES_ENTERED_CHOICES:
            choices = " or ".join(PRICES_ENTERED_CHOICES)
            raise ConfigError(f"PRICES_ENTERED must be {choices}, got {entered!r}")
        country = config.get("SELLER_COUNTRY") or ""
        if not re.fullmatch(r"[A-Z]{2}", country) or country not in babel.Locale("en").territories:
            raise ConfigError(
                f"SELLER_COUNTRY={country!r} is not a two-letter country code such as IE"
            )
        number = config.get("SELLER_VAT_NUMBER")
        in_eu = country.lower() in eu_vat.MEMBER_STATES
        if number and in_eu and not eu_vat.is_valid(number):
            raise ConfigError(f"SELLER_VAT_NUMBER={number!r} is not a valid EU VAT number")


_RATE_LIMIT_KEYS = (
    "LOGIN_RATE_LIMIT",
    "REGISTRATION_RATE_LIMIT",
    "PASSWORD_RESET_RATE_LIMIT",
    "CONFIRMATION_RATE_LIMIT",
    "LICENCE_UPLOAD_RATE_LIMIT",
)
_MAIL_TEXT_KEYS = (
    "MAIL_BACKEND",
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "MAIL_FILE_DIR",
)
# Delivery's timings: claim time, first retry, largest back-off, attempts, batch.
_MAIL_POSITIVE_KEYS = (
    "MAIL_CLAIM_SECONDS",
    "MAIL_RETRY_BASE_SECONDS",
    "MAIL_RETRY_MAX_SECONDS",
    "MAIL_MAX_ATTEMPTS",
    "MAIL_BATCH_SIZE",
)
_MAIL_INT_KEYS = ("MAIL_PORT", *_MAIL_POSITIVE_KEYS)
MAIL_BACKENDS = ("smtp", "file")
LOG_FORMATS = ("text", "json")  # LOG_FORMAT, read by gunicorn.conf.py and the worker


def _text(name: str) -> str:
    return os.environ[name]


def _whole(name: str) -> int:
    return _env_int(name, 0)


def _flag(name: str) -> bool:
    return _env_bool(name, False)


# Environment variable -> (config key, how to read it). Flask's from_prefixed_env wants
# a prefix and JSON values; these names are the documented interface, so a table.
ENVIRONMENT: dict[str, tuple[str, Callable[[str], object]]] = {
    "SECRET_KEY": ("SECRET_KEY", _text),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", lambda n: normalise_database_url(_text(n))),
    "DATABASE_POOL_PRE_PING": ("DATABASE_POOL_PRE_PING", _flag),
    "DATABASE_POOL_PING_IDLE": ("DATABASE_POOL_PING_IDLE", _env_float),
    "RATELIMIT_ENABLED": ("RATELIMIT_ENABLED", _flag),
    "SHOP_BASE_URL": ("SHOP_BASE_URL", lambda n: _text(n).rstrip("/")),
    "MAIL_TIMEOUT": ("MAIL_TIMEOUT", _env_float),
    "DATABASE_CLIENT_GRACE": ("DATABASE_CLIENT_GRACE", _env_float),
    "DATABASE_CONNECT_BACKOFF": ("DATABASE_CONNECT_BACKOFF", _env_float),
    "REDIS_TIMEOUT": ("REDIS_TIMEOUT", _env_float),
    "SENTRY_TRACES_SAMPLE_RATE": (
        "SENTRY_TRACES_SAMPLE_RATE",
        lambda n: _env_float(n, "a number between 0 and 1"),
    ),
    "LOG_FORMAT": ("LOG_FORMAT", lambda n: _text(n).strip().lower()),
    "PRICES_VISIBLE_TO": ("PRICES_VISIBLE_TO", lambda n: _text(n).strip().lower()),
    "LICENCE_SHIPPING_AREA": ("LICENCE_SHIPPING_AREA", lambda n: _text(n).strip().lower()),
    "SHOP_ID": ("SHOP_ID", lambda n: _text(n).strip()),
    "SELLER_COUNTRY": ("SELLER_COUNTRY", lambda n: _text(n).strip().upper()),
    "PRICES_ENTERED": ("PRICES_ENTERED", lambda n: _text(n).strip().lower()),
    **{name: (name, _text) for name in SELLER_KEYS},
    **{
        name: (name, _whole)
        for name in (
            "DATABASE_CONNECT_TIMEOUT",
            "DATABASE_STATEMENT_TIMEOUT",
            "HSTS_MAX_AGE",
            "LICENCE_MAX_BYTES",
            "PROXY_COUNT",
            "PUBLIC_MAX_AGE",
            "WORKER_HEARTBEAT_SECONDS",
            "MIGRATION_LOCK_TIMEOUT",
            *SESSION_INT_KEYS,
            *CHECKOUT_INT_KEYS,
            *_MAIL_INT_KEYS,
        )
    },
    **{name: (name, _flag) for name in ("MAIL_USE_TLS", "MAIL_USE_SSL")},
    **{
        name: (name, _text)
        for name in (
            "RATELIMIT_STORAGE_URI",
            "API_RATE_LIMIT",
            "METRICS_TOKEN",
            "SENTRY_DSN",
            "SENTRY_ENVIRONMENT",
            "SENTRY_RELEASE",
            *_RATE_LIMIT_KEYS,
            *_MAIL_TEXT_KEYS,
            *STRIPE_ENV_KEYS,
            "STRIPE_API_BASE",
            "STRIPE_JS_URL",
        )
    },
}


# The demo seller of development and tests: made up, with a VAT number of valid form.
DEMO_SELLER = {
    "SELLER_LEGAL_NAME": "MesoPro Supplies Limited (demo)",
    "SELLER_ADDRESS": "4 Grand Canal Quay\nDublin 2, D02 K580\nIreland",
    "SELLER_VAT_NUMBER": "IE6388047V",
}


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    DEBUG = True
    SELLER_LEGAL_NAME = DEMO_SELLER["SELLER_LEGAL_NAME"]
    SELLER_ADDRESS = DEMO_SELLER["SELLER_ADDRESS"]
    SELLER_VAT_NUMBER = DEMO_SELLER["SELLER_VAT_NUMBER"]
    MAIL_BACKEND = "file"  # a newcomer opens instance/mail/*.eml; no mail server needed
    SHOP_BASE_URL = "http://127.0.0.1:5000"  # `make run` sets it from HOST and PORT
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
        super().validate(config)
        missing = [name for name in STRIPE_ENV_KEYS if not config.get(name)]
        if missing:
            raise ConfigError(
                f"{', '.join(missing)} not set: set all three Stripe keys, or none to pay "
                "on the local Stripe server"
            )


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    SELLER_LEGAL_NAME = DEMO_SELLER["SELLER_LEGAL_NAME"]
    SELLER_ADDRESS = DEMO_SELLER["SELLER_ADDRESS"]
    SELLER_VAT_NUMBER = DEMO_SELLER["SELLER_VAT_NUMBER"]
    SECRET_KEY = "testing-only-not-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = True
    # Cheap hashes: the suite hashes hundreds of passwords; the rules are the same.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    SHOP_BASE_URL = "http://localhost"  # the test client's host, so links open in tests
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
    HSTS_MAX_AGE = 31_536_000  # a year
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
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
        if not config.get("SHOP_BASE_URL"):
            raise ConfigError(
                "SHOP_BASE_URL is not set: production needs the public address for links in mail"
            )
        for name in SELLER_KEYS:
            if not config.get(name):
                raise ConfigError(
                    f"{name} is not set: production needs the seller's legal details for invoices"
                )
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


def shared_rate_limit_warning(environ: Mapping[str, str], workers: int) -> str | None:
    """Why the rate limits would not hold as configured, or None.

    Counters kept in memory live in each worker: N workers allow N times the limit.
    """
    if (
        workers <= 1
        or config_class(environ.get("SHOP_ENV") or "production") is not ProductionConfig
    ):
        return None
    if environ.get("RATELIMIT_STORAGE_URI") or not _env_bool("RATELIMIT_ENABLED", True, environ):
        return None
    return (
        f"rate limits are counted in memory by each of the {workers} workers, so clients get "
        f"{workers} times API_RATE_LIMIT; set RATELIMIT_STORAGE_URI (e.g. redis://host:6379/0) "
        "to share the counters"
    )
