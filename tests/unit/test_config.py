import subprocess
import sys
from pathlib import Path

import pytest

from shop import create_app
from shop.config import ConfigError, normalise_database_url, shared_rate_limit_warning
from shop.security import content_security_policy
from tests.conftest import PRODUCTION_SETTINGS

ROOT = Path(__file__).resolve().parents[2]

STRIPE_NAMES = (
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
    "STRIPE_JS_URL",
    "STRIPE_PORT",
)
SELLER = {
    name: PRODUCTION_SETTINGS[name] for name in PRODUCTION_SETTINGS if name.startswith("SELLER")
}
PRODUCTION_STRIPE = {
    "STRIPE_SECRET_KEY": "sk_live_" + "a" * 24,
    "STRIPE_PUBLISHABLE_KEY": "pk_live_" + "b" * 24,
    "STRIPE_WEBHOOK_SECRET": "whsec_" + "c" * 32,
}


@pytest.fixture
def clean_env(monkeypatch):
    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "SHOP_ENV",
        "SHOP_BASE_URL",
        "MAIL_BACKEND",
        *STRIPE_NAMES,
        *SELLER,
        "SELLER_COUNTRY",
        "PRICES_ENTERED",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def production_env(clean_env):
    """Everything production needs; each test spoils one thing."""
    clean_env.setenv("SECRET_KEY", "x" * 48)
    clean_env.setenv("DATABASE_URL", "postgresql://shop@db/shop")
    clean_env.setenv("SHOP_BASE_URL", "https://shop.example/")
    for name, value in PRODUCTION_STRIPE.items():
        clean_env.setenv(name, value)
    for name, value in SELLER.items():
        clean_env.setenv(name, value)
    return clean_env


@pytest.mark.parametrize("name", ["SELLER_LEGAL_NAME", "SELLER_ADDRESS", "SELLER_VAT_NUMBER"])
def test_production_refuses_to_start_without_the_sellers_legal_details(production_env, name):
    production_env.delenv(name)
    with pytest.raises(ConfigError, match=f"{name} is not set: production needs the seller"):
        create_app("production")


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("SELLER_VAT_NUMBER", "IE0000000X", "not a valid EU VAT number"),
        ("SELLER_COUNTRY", "Ireland", "not a two-letter country code"),
        ("PRICES_ENTERED", "both", "PRICES_ENTERED must be net or gross"),
    ],
)
def test_bad_seller_settings_stop_the_start_with_the_reason(production_env, name, value, reason):
    production_env.setenv(name, value)
    with pytest.raises(ConfigError, match=reason):
        create_app("production")


def test_the_sellers_address_takes_newlines_from_the_environment(production_env):
    from shop.tax.seller import seller_of

    app = create_app("production")
    seller = seller_of(app.config)
    assert seller.address_lines == ["1 Test Street", "Dublin 2", "Ireland"]
    assert (seller.country, seller.prices_include_tax) == ("IE", False)


def test_production_refuses_to_start_without_secret_key(clean_env):
    clean_env.setenv("DATABASE_URL", "postgresql://shop@db/shop")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app("production")


def test_production_refuses_to_start_without_database_url(clean_env):
    clean_env.setenv("SECRET_KEY", "x" * 48)
    with pytest.raises(ConfigError, match="DATABASE_URL is not set"):
        create_app("production")


def test_production_refuses_a_short_secret_key(clean_env):
    clean_env.setenv("SECRET_KEY", "short")
    clean_env.setenv("DATABASE_URL", "postgresql://shop@db/shop")
    with pytest.raises(ConfigError, match="too short"):
        create_app("production")


def test_production_refuses_to_start_without_its_public_address(production_env):
    production_env.delenv("SHOP_BASE_URL")
    with pytest.raises(ConfigError, match="SHOP_BASE_URL is not set"):
        create_app("production")
    production_env.setenv("SHOP_BASE_URL", "shop.example")
    with pytest.raises(ConfigError, match="is not an address like https://shop.example"):
        create_app("production")


def test_mail_settings_that_cannot_work_are_refused(clean_env):
    clean_env.setenv("MAIL_BACKEND", "pigeon")
    with pytest.raises(
        ConfigError, match="MAIL_BACKEND='pigeon' is unknown; use one of: smtp, file"
    ):
        create_app("development")
    with pytest.raises(ConfigError, match="MAIL_USE_TLS and MAIL_USE_SSL are both on"):
        create_app("testing", MAIL_USE_TLS=True, MAIL_USE_SSL=True)


def test_production_starts_with_its_secrets_and_uses_psycopg(production_env):
    production_env.setenv("DATABASE_URL", "postgres://shop@db.internal/shop")
    app = create_app("production")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://shop@db.internal/shop"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SHOP_BASE_URL"] == "https://shop.example"
    assert not app.debug
    assert app.config["STRIPE_API_BASE"] == "https://api.stripe.com"
    assert app.config["STRIPE_JS_URL"] == "https://js.stripe.com/v3/"
    assert app.config["STRIPE_SECRET_KEY"] == PRODUCTION_STRIPE["STRIPE_SECRET_KEY"]


@pytest.mark.parametrize("name", list(PRODUCTION_STRIPE))
def test_production_refuses_to_start_without_a_stripe_key(production_env, name):
    production_env.delenv(name)
    with pytest.raises(ConfigError, match=f"^{name} is not set"):
        create_app("production")


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("STRIPE_API_BASE", "http://127.0.0.1:8420", "is the local Stripe server"),
        ("STRIPE_API_BASE", "http://localhost:8420", "is the local Stripe server"),
        ("STRIPE_JS_URL", "http://127.0.0.1:8420/js.stripe.com/v3/", "is the local Stripe server"),
        ("STRIPE_JS_URL", "http://[::1]:8420/js.stripe.com/v3/", "is the local Stripe server"),
        ("STRIPE_API_BASE", "http://stripe-mock.internal", "must be an https:// address"),
        ("STRIPE_SECRET_KEY", "sk_test_local", "is the local Stripe server's"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_local", "is the local Stripe server's"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_local_development", "is the local Stripe server's"),
        ("STRIPE_SECRET_KEY", "pk_live_" + "d" * 24, "must start with sk_ or rk_"),
    ],
)
def test_production_refuses_stripe_settings_of_the_local_server(
    production_env, name, value, reason
):
    production_env.setenv(name, value)
    with pytest.raises(ConfigError, match=f"^{name}.* {reason}") as refused:
        create_app("production")
    assert "\n" not in str(refused.value)


def test_development_pays_on_the_local_stripe_server_by_default(clean_env):
    clean_env.setenv("STRIPE_PORT", "8431")
    app = create_app("development")
    assert app.config["STRIPE_API_BASE"] == "http://127.0.0.1:8431"
    assert app.config["STRIPE_JS_URL"] == "http://127.0.0.1:8431/js.stripe.com/v3/"
    assert app.config["STRIPE_SECRET_KEY"] == "sk_test_local"
    assert app.config["STRIPE_PUBLISHABLE_KEY"] == "pk_test_local"
    assert app.config["STRIPE_WEBHOOK_SECRET"].startswith("whsec_")


def test_development_with_stripe_test_keys_pays_on_stripe(clean_env):
    keys = {"STRIPE_SECRET_KEY": "sk_test_mine", "STRIPE_PUBLISHABLE_KEY": "pk_test_mine"}
    for name, value in {**keys, "STRIPE_WEBHOOK_SECRET": "whsec_from_stripe_listen"}.items():
        clean_env.setenv(name, value)
    app = create_app("development")
    assert app.config["STRIPE_API_BASE"] == "https://api.stripe.com"
    assert app.config["STRIPE_JS_URL"] == "https://js.stripe.com/v3/"
    assert app.config["STRIPE_SECRET_KEY"] == "sk_test_mine"


def test_development_refuses_half_a_set_of_stripe_keys(clean_env):
    clean_env.setenv("STRIPE_SECRET_KEY", "sk_test_mine")
    with pytest.raises(ConfigError, match="STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET not set"):
        create_app("development")


def test_content_security_policy_allows_exactly_the_configured_stripe_origins():
    policy = content_security_policy(
        {
            "STRIPE_JS_URL": "https://js.stripe.com/v3/",
            "STRIPE_API_BASE": "https://api.stripe.com",
        }
    )
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self' https://js.stripe.com"
    assert directives["frame-src"] == "https://js.stripe.com"
    assert directives["connect-src"] == "'self' https://api.stripe.com"
    assert directives["default-src"] == "'self'"


def test_environment_defaults_to_production_so_nothing_runs_without_secrets(clean_env):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_unknown_environment_name_is_refused(clean_env):
    clean_env.setenv("SHOP_ENV", "staging")
    with pytest.raises(ConfigError, match="SHOP_ENV='staging' is unknown"):
        create_app()


def test_wsgi_prints_a_one_line_reason_and_exits_non_zero(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "SHOP_ENV": "production", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "shop: refusing to start: SECRET_KEY is not set: production needs a long random secret"
    ]


def test_gunicorn_style_database_urls_are_normalised():
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_database_timeouts_come_from_the_environment(clean_env):
    for name, value in PRODUCTION_SETTINGS.items():
        clean_env.setenv(name, value)
    clean_env.setenv("DATABASE_URL", "postgresql://shop@db/shop")
    clean_env.setenv("DATABASE_CONNECT_TIMEOUT", "3")
    clean_env.setenv("DATABASE_STATEMENT_TIMEOUT", "2500")
    clean_env.setenv("DATABASE_CLIENT_GRACE", "1.5")
    options = create_app("production").config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {
        "connect_timeout": 3,
        "options": "-c statement_timeout=2500",
        # A network that dies mid-statement ends the connection when the client would
        # give up anyway (statement timeout + grace); an idle one after a few probes.
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 4000,
    }


def test_a_timeout_that_is_not_a_whole_number_is_refused(clean_env):
    clean_env.setenv("DATABASE_STATEMENT_TIMEOUT", "5s")
    with pytest.raises(ConfigError, match="DATABASE_STATEMENT_TIMEOUT must be a whole number"):
        create_app("development")


def test_the_idle_time_before_a_ping_comes_from_the_environment(clean_env):
    clean_env.setenv("DATABASE_POOL_PING_IDLE", "2.5")
    assert create_app("development").config["DATABASE_POOL_PING_IDLE"] == 2.5
    for value, reason in (("soon", "must be a number of seconds"), ("-1", "must be 0 or more")):
        clean_env.setenv("DATABASE_POOL_PING_IDLE", value)
        with pytest.raises(ConfigError, match=f"DATABASE_POOL_PING_IDLE {reason}"):
            create_app("development")


def test_memory_rate_limits_with_several_production_workers_are_warned_about():
    assert "4 workers" in shared_rate_limit_warning({}, 4)
    assert "4 workers" in shared_rate_limit_warning({"SHOP_ENV": "production"}, 4)


@pytest.mark.parametrize(
    ("environ", "workers"),
    [
        ({}, 1),
        ({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, 4),
        ({"RATELIMIT_ENABLED": "false"}, 4),
        ({"SHOP_ENV": "development"}, 4),
    ],
)
def test_no_rate_limit_warning_where_the_limits_hold(environ, workers):
    assert shared_rate_limit_warning(environ, workers) is None


def test_mail_delivery_timings_come_from_the_environment(clean_env):
    settings = {
        "MAIL_CLAIM_SECONDS": "600",
        "MAIL_RETRY_BASE_SECONDS": "30",
        "MAIL_RETRY_MAX_SECONDS": "1800",
        "MAIL_MAX_ATTEMPTS": "5",
        "MAIL_BATCH_SIZE": "20",
    }
    for name, value in settings.items():
        clean_env.setenv(name, value)
    config = create_app("development").config
    assert {name: config[name] for name in settings} == {k: int(v) for k, v in settings.items()}


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({"MAIL_CLAIM_SECONDS": "0"}, "MAIL_CLAIM_SECONDS must be at least 1"),
        ({"MAIL_BATCH_SIZE": "soon"}, "MAIL_BATCH_SIZE must be a whole number"),
        (
            {"MAIL_RETRY_BASE_SECONDS": "600", "MAIL_RETRY_MAX_SECONDS": "60"},
            "MAIL_RETRY_MAX_SECONDS must not be less than MAIL_RETRY_BASE_SECONDS",
        ),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be text or json, got 'xml'"),
        ({"REDIS_TIMEOUT": "0"}, "REDIS_TIMEOUT must be more than 0 seconds"),
        ({"DATABASE_CONNECT_BACKOFF": "-1"}, "DATABASE_CONNECT_BACKOFF must be 0 or more"),
        ({"SENTRY_TRACES_SAMPLE_RATE": "2"}, "SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1"),
    ],
)
def test_operations_settings_that_cannot_work_are_refused(clean_env, settings, reason):
    for name, value in settings.items():
        clean_env.setenv(name, value)
    with pytest.raises(ConfigError, match=reason):
        create_app("development")


def test_redis_calls_of_the_rate_limiter_are_bounded(clean_env):
    clean_env.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6399/0")
    clean_env.setenv("REDIS_TIMEOUT", "0.25")
    config = create_app("development").config
    assert config["RATELIMIT_STORAGE_OPTIONS"] == {
        "socket_connect_timeout": 0.25,
        "socket_timeout": 0.25,
    }
    assert config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
