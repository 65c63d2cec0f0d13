import subprocess
import sys
from pathlib import Path

import pytest

from shop import create_app
from shop.config import ConfigError, normalise_database_url, shared_rate_limit_warning

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "SHOP_ENV", "SHOP_BASE_URL", "MAIL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


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


def test_production_refuses_to_start_without_its_public_address(clean_env):
    clean_env.setenv("SECRET_KEY", "x" * 48)
    clean_env.setenv("DATABASE_URL", "postgresql://shop@db/shop")
    with pytest.raises(ConfigError, match="SHOP_BASE_URL is not set"):
        create_app("production")
    clean_env.setenv("SHOP_BASE_URL", "shop.example")
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


def test_production_starts_with_its_secrets_and_uses_psycopg(clean_env):
    clean_env.setenv("SECRET_KEY", "x" * 48)
    clean_env.setenv("DATABASE_URL", "postgres://shop@db.internal/shop")
    clean_env.setenv("SHOP_BASE_URL", "https://shop.example/")
    app = create_app("production")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://shop@db.internal/shop"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SHOP_BASE_URL"] == "https://shop.example"
    assert not app.debug


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
    clean_env.setenv("SECRET_KEY", "x" * 48)
    clean_env.setenv("DATABASE_URL", "postgresql://shop@db/shop")
    clean_env.setenv("SHOP_BASE_URL", "https://shop.example")
    clean_env.setenv("DATABASE_CONNECT_TIMEOUT", "3")
    clean_env.setenv("DATABASE_STATEMENT_TIMEOUT", "2500")
    options = create_app("production").config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {"connect_timeout": 3, "options": "-c statement_timeout=2500"}


def test_a_timeout_that_is_not_a_whole_number_is_refused(clean_env):
    clean_env.setenv("DATABASE_STATEMENT_TIMEOUT", "5s")
    with pytest.raises(ConfigError, match="DATABASE_STATEMENT_TIMEOUT must be a whole number"):
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
