"""The WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi``."""

import sys

from dotenv import load_dotenv

from shop import ConfigError, create_app

load_dotenv()  # a .env file in development; production sets real environment variables

try:
    app = create_app()
except ConfigError as exc:
    print(f"shop: refusing to start: {exc}", file=sys.stderr)
    raise SystemExit(1) from None
