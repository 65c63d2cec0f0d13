"""The local Stripe server, for development and tests only: localstripe, bound to 127.0.0.1.

    python -m devtools.localstripe --port 8420 [--webhook-url URL]

localstripe's own command line binds every interface, so its aiohttp routes are served
here from our own application, on loopback only, with a few routes of ours in front:

- ``GET /js.stripe.com/v3/``: its Stripe.js stand-in followed by our wrapper
  (``localstripe_wrapper.js``), whose ``confirmCardPayment`` sends the card as real
  Stripe.js does;
- ``POST /v1/payment_intents/<id>/confirm``: answers that wrapper (publishable key and
  client secret, no Authorization header) and the SDK alike: it creates the payment
  method from ``payment_method_data`` (or takes ``payment_method``), confirms the
  intent, and answers a decline with 402 and Stripe's ``card_error``;
- ``POST /v1/payment_intents/<id>/_authenticate``: localstripe's 3-D Secure answer,
  which also emits ``payment_intent.payment_failed`` when authentication fails, as
  Stripe does;
- ``DELETE /_config/webhooks/<id>``: forgets a webhook registration.

localstripe keeps its data in module globals, so one server runs per process; and it
pickles them after every change to a fixed ``/tmp/localstripe.pickle``, which two
servers on one machine would overwrite. Here the state goes to a file of our choice
(``make run``: ``instance/localstripe.pickle``) or stays in memory (tests), so test
runs, worktrees and ``make run`` never share it; only the port must differ.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import pickle
import re
import signal
import socket
import sys
import threading
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from aiohttp import web

from shop.config import LOCAL_STRIPE_PORT, LOCAL_STRIPE_WEBHOOK_SECRET, ROOT, local_stripe_urls

with warnings.catch_warnings():
    # localstripe builds its own app at import, with plain-function handlers that aiohttp
    # deprecates; the app served here wraps them (_as_coroutine).
    warnings.simplefilter("ignore", DeprecationWarning)
    from localstripe import server as localstripe
    from localstripe import webhooks as localstripe_webhooks
    from localstripe.errors import UserError
    from localstripe.resources import Event, PaymentIntent, PaymentMethod, Store, store

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
DEFAULT_STATE_FILE = ROOT / "instance" / "localstripe.pickle"
STAND_IN = Path(localstripe.__file__).with_name("localstripe-v3.js")
WRAPPER = Path(__file__).with_name("localstripe_wrapper.js")
CONFIRM_PATH = re.compile(r"^/v1/payment_intents/\w+/confirm$")
CONFIRM_FIELDS = {"client_secret", "payment_method", "payment_method_data", "expand"}
# Sent by Stripe.js or the SDK, meaningless here.
IGNORED_FIELDS = {"key", "payment_user_agent", "referrer", "use_stripe_sdk", "return_url"}
CONFIRMABLE = {"requires_payment_method", "requires_confirmation"}

STRIPE_JS = web.AppKey("stripe_js", str)

_one_per_process = threading.Lock()


# -- where localstripe keeps its state ---------------------------------------------------


def keep_state_in(path: Path | None) -> None:
    """Send localstripe's pickled state to ``path`` instead of /tmp/localstripe.pickle,
    or nowhere (``None``: in memory only), and start from what ``path`` holds."""

    def dump_to_disk(self: Store) -> None:
        if path is None:
            return
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as file:
            pickle.dump(dict(self), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)  # a crash mid-write never leaves half a file

    # localstripe calls store.dump_to_disk() after each change; the class attribute is the
    # one place to redirect it (an instance attribute would be pickled with the store).
    Store.dump_to_disk = dump_to_disk  # type: ignore[method-assign]
    dict.clear(store)
    if path is not None and path.exists():
        try:
            with path.open("rb") as file:
                dict.update(store, pickle.load(file))  # dict's own update: no dump per item
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            log.warning("localstripe: starting empty, %s is unreadable (%s)", path, exc)


# -- our routes --------------------------------------------------------------------------


def stripe_js_source() -> str:
    """The stand-in, then our wrapper, inside one function scope.

    The wrapper uses the stand-in's ``LOCALSTRIPE_BASE_API`` and ``openModal``; the
    scope keeps the stand-in's top-level ``class Element`` from shadowing the DOM's
    ``Element`` for every script on the page (Bootstrap breaks on it). ``Stripe`` is
    assigned undeclared, in sloppy mode, so it still becomes a global.
    """
    stand_in = STAND_IN.read_text(encoding="utf-8")
    wrapper = WRAPPER.read_text(encoding="utf-8")
    return f"(function () {{\n{stand_in}\n{wrapper}\n}})();\n"


def card_error(
    code: str, message: str, *, decline_code: str | None = None, **related: Any
) -> UserError:
    """A 402 with the body Stripe gives a card error (stripe-python raises CardError)."""
    contents = {"code": code, **{k: v for k, v in related.items() if v is not None}}
    if decline_code:
        contents["decline_code"] = decline_code
    error = UserError(402, message, contents)
    error.body["error"]["type"] = "card_error"  # UserError always writes invalid_request_error
    return error


def _luhn_valid(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def card_problem(card: dict[str, Any], today: date) -> tuple[str, str] | None:
    """What Stripe says about a card's number, expiry and code before it tries it."""
    number = str(card.get("number") or "")
    if not re.fullmatch(r"\d{16}", number) or not _luhn_valid(number):
        return "incorrect_number", "Your card number is incorrect."
    month = str(card.get("exp_month") or "")
    if not month.isdigit() or not 1 <= int(month) <= 12:
        return "invalid_expiry_month", "Your card's expiration month is invalid."
    year = str(card.get("exp_year") or "")
    if not year.isdigit() or len(year) not in (2, 4):
        return "invalid_expiry_year", "Your card's expiration year is invalid."
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    if (full_year, int(month)) < (today.year, today.month):
        return "expired_card", "Your card has expired."
    if not re.fullmatch(r"\d{3}", str(card.get("cvc") or "")):
        return "invalid_cvc", "Your card's security code is invalid."
    return None


def payment_method_from(data: Any) -> PaymentMethod:
    """A card payment method from Stripe.js's ``payment_method_data``."""
    if (
        not isinstance(data, dict)
        or data.get("type") != "card"
        or not isinstance(data.get("card"), dict)
    ):
        raise UserError(
            400, "payment_method_data must describe a card", {"param": "payment_method_data"}
        )
    card = {name: data["card"].get(name) for name in ("number", "exp_month", "exp_year", "cvc")}
    problem = card_problem(card, date.today())
    if problem:
        raise card_error(*problem, param="payment_method_data[card]")
    billing = data.get("billing_details")
    return PaymentMethod(
        type="card", card=card, billing_details=billing if isinstance(billing, dict) else None
    )


async def confirm_payment_intent(request: web.Request) -> web.Response:
    data = await localstripe.get_post_data(request, remove_auth=False) or {}
    publishable_key = data.get("key")
    fields = {k: v for k, v in data.items() if k not in IGNORED_FIELDS}
    unexpected = sorted(set(fields) - CONFIRM_FIELDS)
    if unexpected:
        raise UserError(400, "Unexpected " + ", ".join(unexpected))

    intent = PaymentIntent._api_retrieve(request.match_info["id"])
    if not request.headers.get("Authorization"):
        # Stripe.js: the publishable key, and the client secret proves the page may pay it.
        if not (isinstance(publishable_key, str) and publishable_key.startswith("pk_")):
            raise UserError(401, "Unauthorized")
        if fields.get("client_secret") != intent.client_secret:
            raise UserError(
                400,
                "The client_secret provided does not match the client_secret associated "
                "with the PaymentIntent.",
                {"code": "payment_intent_invalid_parameter", "param": "client_secret"},
            )
    if intent.status not in CONFIRMABLE:
        raise UserError(
            400,
            f"You cannot confirm this PaymentIntent because it has a status of {intent.status}.",
            {"code": "payment_intent_unexpected_state", "payment_intent": intent._export()},
        )

    if "payment_method_data" in fields:
        method = payment_method_from(fields["payment_method_data"])
    elif "payment_method" in fields:
        method = PaymentMethod._api_retrieve(str(fields["payment_method"]))
    else:
        method = None
    if method is not None:
        intent.payment_method = method.id
        # localstripe keeps a declined charge as the intent's latest, which pins it to
        # requires_payment_method; on Stripe a new payment method starts a new attempt.
        intent.latest_charge = None
    elif intent.status == "requires_payment_method":
        raise UserError(
            400,
            "You cannot confirm this PaymentIntent because it's missing a payment method.",
            {"code": "payment_intent_unexpected_state"},
        )

    try:
        intent._confirm(on_failure_now=intent._report_failure)
    except UserError as exc:
        if exc.code != 402:
            raise
        raise card_error(
            exc.body["error"].get("code", "card_declined"),
            exc.body["error"].get("message", "Your card was declined."),
            decline_code="generic_decline",
            charge=exc.body["error"].get("charge"),
            payment_intent=intent._export(),
            payment_method=(method or PaymentMethod._api_retrieve(intent.payment_method))._export(),
        ) from exc
    return localstripe.json_response(intent._export(expand=fields.get("expand")))


async def authenticate_payment_intent(request: web.Request) -> web.Response:
    data = await localstripe.get_post_data(request) or {}
    data.update(localstripe.unflatten_data(request.query) or {})
    intent = PaymentIntent._api_authenticate(request.match_info["id"], **data)
    if intent._authentication_failed:
        # Stripe reports a failed 3-D Secure with this event; localstripe emits nothing.
        localstripe_webhooks.schedule_webhook(Event("payment_intent.payment_failed", intent))
    return localstripe.json_response(intent._export())


async def serve_stripe_js(request: web.Request) -> web.Response:
    return web.Response(
        text=request.app[STRIPE_JS],
        content_type="application/javascript",
        headers={"Cache-Control": "no-cache"},
    )


async def forget_webhook(request: web.Request) -> web.Response:
    # localstripe has no route for this; its registrations live in this module-level dict.
    localstripe_webhooks._webhooks.pop(request.match_info["id"], None)
    return web.Response()


@web.middleware
async def authenticate(request: web.Request, handler: Callable) -> web.StreamResponse:
    """localstripe's authentication, except for Stripe.js's confirm, which carries the
    publishable key in its body and is checked by its route."""
    if (
        request.method == "POST"
        and CONFIRM_PATH.match(request.path)
        and not request.headers.get("Authorization")
    ):
        return await handler(request)
    return await localstripe.auth_middleware(request, handler)


def _as_coroutine(handler: Callable) -> Callable:
    """aiohttp deprecates plain-function handlers, which localstripe mostly has."""
    if asyncio.iscoroutinefunction(handler):
        return handler

    async def run(request: web.Request) -> web.StreamResponse:
        return handler(request)

    return run


def make_app() -> web.Application:
    app = web.Application(
        middlewares=[
            localstripe.error_middleware,
            authenticate,
            localstripe.save_store_middleware,
        ]
    )
    app.on_response_prepare.append(localstripe.add_cors_headers)
    app[STRIPE_JS] = stripe_js_source()
    app.router.add_get("/js.stripe.com/v3/", serve_stripe_js)
    app.router.add_post("/v1/payment_intents/{id}/confirm", confirm_payment_intent)
    app.router.add_post("/v1/payment_intents/{id}/_authenticate", authenticate_payment_intent)
    app.router.add_delete("/_config/webhooks/{id}", forget_webhook)
    ours = {(route.method, route.resource.canonical) for route in app.router.routes()}
    # localstripe's routes in its order (its extra routes come before the generic ones).
    for route in localstripe.app.router.routes():
        if (route.method, route.resource.canonical) not in ours:
            app.router.add_route(
                route.method, route.resource.canonical, _as_coroutine(route.handler)
            )
    return app


# -- running it --------------------------------------------------------------------------


def bind(port: int, host: str = HOST) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


async def serve(
    sock: socket.socket, stopping: asyncio.Event, on_ready: Callable[[], None] = lambda: None
) -> None:
    runner = web.AppRunner(make_app(), access_log=None)
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
        on_ready()
        await stopping.wait()
    finally:
        await runner.cleanup()


class LocalStripeServer:
    """A local Stripe server on a thread of its own, for tests (one per process).

    ``with LocalStripeServer() as server:`` serves on a free loopback port, its data in
    memory; ``server.app_config`` is what a shop app needs to pay on it.
    """

    def __init__(self, port: int = 0, *, state_file: Path | None = None) -> None:
        self.requested_port = port
        self.state_file = state_file
        self.port: int | None = None
        self.address: tuple[str, int] | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None

    @property
    def api_base(self) -> str:
        return local_stripe_urls(self._bound_port(), HOST)["STRIPE_API_BASE"]

    @property
    def js_url(self) -> str:
        return local_stripe_urls(self._bound_port(), HOST)["STRIPE_JS_URL"]

    @property
    def app_config(self) -> dict[str, str]:
        return local_stripe_urls(self._bound_port(), HOST)

    def _bound_port(self) -> int:
        if self.port is None:
            raise RuntimeError("the local Stripe server is not running")
        return self.port

    def start(self) -> LocalStripeServer:
        if not _one_per_process.acquire(blocking=False):
            raise RuntimeError(
                "a local Stripe server already runs in this process (localstripe's data "
                "lives in module globals)"
            )
        try:
            sock = bind(self.requested_port)
            keep_state_in(self.state_file)
            ready = threading.Event()
            failure: list[BaseException] = []
            self._thread = threading.Thread(
                target=self._run, args=(sock, ready, failure), name="localstripe", daemon=True
            )
            self._thread.start()
            if not ready.wait(timeout=30) or failure:
                raise RuntimeError(f"the local Stripe server did not start: {failure or 'timeout'}")
            self.address = sock.getsockname()
            self.port = self.address[1]
        except BaseException:
            _one_per_process.release()
            raise
        return self

    def _run(self, sock: socket.socket, ready: threading.Event, failure: list) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stopping = asyncio.Event()
            await serve(sock, self._stopping, on_ready=ready.set)

        try:
            asyncio.run(main())  # cancels webhook deliveries still pending at the end
        except BaseException as exc:  # noqa: BLE001 - reported to start(), or logged
            if ready.is_set():
                log.exception("the local Stripe server stopped")
            failure.append(exc)
            ready.set()

    def stop(self) -> None:
        if self._thread is None:
            return
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout=30)
        self._thread = None
        self.port = self.address = None
        localstripe_webhooks._webhooks.clear()
        _one_per_process.release()

    def __enter__(self) -> LocalStripeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# -- talking to a running server ---------------------------------------------------------


def _call(method: str, url: str, fields: Iterable[tuple[str, str]] = ()) -> None:
    body = urllib.parse.urlencode(list(fields)).encode() if method == "POST" else None
    request = urllib.request.Request(url, data=body, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        response.read()


def register_webhook(
    api_base: str,
    url: str,
    secret: str,
    *,
    webhook_id: str = "shop",
    events: Iterable[str] | None = None,
) -> None:
    """Have the server sign its events with ``secret`` and post them to ``url``.

    Registrations live in the server's memory only: register again after every start.
    """
    fields = [("url", url), ("secret", secret)]
    fields += [("events[]", event) for event in events or ()]
    _call("POST", f"{api_base.rstrip('/')}/_config/webhooks/{webhook_id}", fields)


def unregister_webhook(api_base: str, webhook_id: str = "shop") -> None:
    _call("DELETE", f"{api_base.rstrip('/')}/_config/webhooks/{webhook_id}")


def reset(api_base: str) -> None:
    """Forget every object (intents, charges, refunds, events); webhooks stay registered."""
    _call("DELETE", f"{api_base.rstrip('/')}/_config/data")


# -- command line ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.localstripe",
        description="The local Stripe server (development only), on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=LOCAL_STRIPE_PORT)
    parser.add_argument(
        "--state-file", type=Path, default=DEFAULT_STATE_FILE, help="where its data is kept"
    )
    parser.add_argument("--from-scratch", action="store_true", help="start with no data")
    parser.add_argument("--webhook-url", help="register this URL for its signed events")
    parser.add_argument("--webhook-secret", default=LOCAL_STRIPE_WEBHOOK_SECRET)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="localstripe: %(message)s")
    # localstripe reports webhook deliveries on aiohttp's access logger.
    logging.getLogger("aiohttp.access").setLevel(logging.INFO)
    try:
        sock = bind(args.port)
    except OSError as exc:
        print(
            f"localstripe: cannot listen on {HOST}:{args.port} ({exc.strerror}); another local "
            "Stripe server? Choose another port with --port (make run: STRIPE_PORT=...).",
            file=sys.stderr,
        )
        return 1
    args.state_file.parent.mkdir(parents=True, exist_ok=True)
    if args.from_scratch:
        args.state_file.unlink(missing_ok=True)
    keep_state_in(args.state_file)
    urls = local_stripe_urls(sock.getsockname()[1], HOST)
    if args.webhook_url:
        localstripe_webhooks.register_webhook("shop", args.webhook_url, args.webhook_secret, None)

    def ready() -> None:
        print(
            f"localstripe: serving {urls['STRIPE_API_BASE']} (Stripe.js {urls['STRIPE_JS_URL']})"
            + (f", events to {args.webhook_url}" if args.webhook_url else ""),
            flush=True,
        )

    async def run() -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        await serve(sock, stopping, on_ready=ready)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
