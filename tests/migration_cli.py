"""Run `flask --app wsgi ...` the way an operator does, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def flask(
    database_url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``flask --app wsgi ARGS`` in production on that database; ``env`` adds settings."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "FLASK_", "STRIPE_"))},
        "SHOP_ENV": "production",
        "SECRET_KEY": "m" * 40,
        "SHOP_BASE_URL": "https://shop.example",
        "DATABASE_URL": database_url,
        # Production refuses to start without Stripe keys; migrations never call Stripe.
        "STRIPE_SECRET_KEY": "sk_test_" + "m" * 24,
        "STRIPE_PUBLISHABLE_KEY": "pk_test_" + "m" * 24,
        "STRIPE_WEBHOOK_SECRET": "whsec_" + "m" * 32,
        "SELLER_LEGAL_NAME": "Migration Test Limited",
        "SELLER_ADDRESS": "1 Test Street, Dublin",
        "SELLER_VAT_NUMBER": "IE6388047V",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
