"""``make run`` runs devtools/Procfile with honcho: the development server, the worker,
and the local Stripe server posting its signed events to the server's own webhook."""

from __future__ import annotations

from honcho.environ import parse_procfile

from shop.config import ROOT


def _processes() -> dict[str, str]:
    return parse_procfile((ROOT / "devtools" / "Procfile").read_text()).processes


def test_make_run_starts_the_shop_the_worker_and_the_local_stripe_server():
    processes = _processes()
    assert set(processes) == {"web", "worker", "stripe"}
    assert processes["web"].startswith("flask --app wsgi run --debug")
    assert processes["worker"] == "flask --app wsgi shop worker"
    assert processes["stripe"].startswith("python -m devtools.localstripe")


def test_the_local_stripe_server_posts_to_the_development_servers_webhook():
    web, stripe = _processes()["web"], _processes()["stripe"]
    # The same variables name the server's address in both lines.
    assert "--host $HOST --port $SHOP_PORT" in web
    assert "--webhook-url http://$HOST:$SHOP_PORT/stripe/webhook" in stripe
    # Without --webhook-secret the launcher signs with LOCAL_STRIPE_WEBHOOK_SECRET, the
    # secret a development app without Stripe keys of its own verifies with.
    assert "--webhook-secret" not in stripe
