"""Catalogue benchmark: the shop against a minimal Flask page, in one run.

Seeds 20,000 products, serves the shop with gunicorn (2 sync workers) on
loopback, and loads the filtered catalogue page, a product page and the API
list with wrk (concurrency 8, 10 s each after a warm-up), as an anonymous
visitor and, for the two pages, as a logged-in verified professional (a user
with an approved licence and a cart, whose session cookie wrk sends). Beside
them runs a minimal Flask app rendering a 24-row template (the ceiling): each
URL is loaded in slices that alternate with the ceiling's, so that the ratio
compares the two under the same load of a shared machine. It prints requests
per second, p50 and p99 (medians over the slices), the ceiling's requests per
second in those slices and the ratio, on SQLite and on PostgreSQL. Rows marked
"uncached" serve the same URLs with the catalogue cache switched off
(NullCache), to show what a cache miss costs. On PostgreSQL it also times a
connection checkout with SQLAlchemy's pool_pre_ping, with the shop's own check of
pooled connections, and with none.

    python -m bench.catalog [--backends sqlite postgresql] [--products 20000]
                            [--duration 10] [--rounds 5]

Needs wrk (Debian package `wrk`); PostgreSQL at BENCH_PG_URL (default
postgresql://postgres@127.0.0.1:5432/postgres) for the PostgreSQL part.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FILTERS = "ingredient=hyaluronic-acid&indication=fine-lines-and-wrinkles"
PRODUCT = "dermavera-hydra-ha-20"


@dataclass
class Target:
    name: str
    path: str
    ratio_goal: float | None  # of the ceiling's requests per second
    professional: bool = False  # sent with the verified professional's session cookie


TARGETS = [
    Target("catalogue, 2 filters", f"/products?{FILTERS}", 1 / 3),
    Target("product page", f"/products/{PRODUCT}", 1 / 2),
    Target("API list, 2 filters", f"/api/v1/products?{FILTERS}", 1 / 2),
    Target("catalogue, professional", f"/products?{FILTERS}", 1 / 4, professional=True),
    Target("product page, professional", f"/products/{PRODUCT}", 1 / 3, professional=True),
]
UNCACHED = [
    Target("catalogue, uncached", f"/products?{FILTERS}", None),
    Target("API list, uncached", f"/api/v1/products?{FILTERS}", None),
]
CEILING = Target("ceiling: 24-row template", "/", None)
P99_GOAL_MS = 100.0


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, seconds: int, connections: int, headers: tuple[str, ...] = ()) -> Result:
    header_args = [arg for header in headers for arg in ("-H", header)]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *header_args, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    total_errors = int(errors.group(1)) if errors else 0
    if socket_errors:
        total_errors += sum(int(n) for n in socket_errors.groups())
    return Result(url, rps, p50, p99, total_errors)


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{result.stderr[-2000:]}")


@contextmanager
def database(backend: str, folder: Path):
    if backend == "sqlite":
        from tests.dbs import create_sqlite_file

        yield create_sqlite_file(folder / "bench.sqlite3")
        return
    from tests.dbs import postgres_database

    admin = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with postgres_database("shop_bench", admin=admin) as url:
        yield url


def settle(url: str) -> None:
    """What autovacuum does to a freshly loaded table, done now: statistics for the
    planner and a visibility map for index-only scans (PostgreSQL); ANALYZE on SQLite."""
    import sqlalchemy as sa

    engine = sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(
            sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
    engine.dispose()


CHECKS = ("pool_pre_ping", "the shop's check", "no check")


def checkout_costs(url: str, rounds: int = 15, checkouts: int = 400) -> dict[str, float]:
    """Microseconds per request-like checkout: with SQLAlchemy's pool_pre_ping (a round
    trip per checkout), with the shop's check (shop.database.check_connections_on_checkout,
    what the servers here run) and with no check.

    Each checkout runs the cached pages' one statement (the catalogue token), as a
    cached page view does. Rounds alternate between the engines and the median of
    each is kept, so load from elsewhere on the machine falls on all alike.
    """
    import sqlalchemy as sa

    from shop.database import check_connections_on_checkout

    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engines = {
        check: sa.create_engine(
            url, pool_pre_ping=check == "pool_pre_ping", isolation_level="AUTOCOMMIT"
        )
        for check in CHECKS
    }
    check_connections_on_checkout(engines["the shop's check"], ping_after_idle=10.0)
    statement = sa.text("SELECT token FROM catalog_state WHERE id = 1")
    times: dict[str, list[float]] = {check: [] for check in CHECKS}
    for _ in range(rounds):
        for check, engine in engines.items():
            started = time.perf_counter()
            for _ in range(checkouts):
                with engine.connect() as connection:
                    connection.execute(statement).scalar()
            times[check].append((time.perf_counter() - started) / checkouts * 1e6)
    for engine in engines.values():
        engine.dispose()
    return {check: statistics.median(found) for check, found in times.items()}


@contextmanager
def gunicorn(app: str, env: dict[str, str], log: Path, chdir: Path = ROOT):
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        # Served as production serves it (logging, limits), with the worker count fixed here.
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(chdir),
        app,
    ]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit(
                        f"bench: {app} did not start:\n{log.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def professional_cookie(url: str, env: dict[str, str]) -> str:
    """A verified professional with four packs in the cart, and its session cookie."""
    from shop import create_app
    from shop.catalog.models import Product
    from shop.checkout.models import CartLine
    from shop.config import normalise_database_url
    from shop.extensions import db
    from tests.factories import make_professional

    # The same settings as the servers under load, so the cookie signed here is theirs.
    settings = ("SECRET_KEY", "SHOP_BASE_URL", *(k for k in env if k.startswith("STRIPE_")))
    app = create_app(
        "production",
        SQLALCHEMY_DATABASE_URI=normalise_database_url(url),
        **{name: env[name] for name in settings},
    )
    with app.app_context():
        user = make_professional(email="bench.professional@example.org", name="Dr Bench Mark")
        for product_id in db.session.scalars(db.select(Product.id).order_by(Product.id).limit(2)):
            db.session.add(CartLine(user_id=user.id, product_id=product_id, quantity=2))
        db.session.commit()
        # The session a browser holds after its first page: logged in, with its CSRF
        # token, no longer fresh. So no response needs to sign a new cookie.
        signed = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": user.get_id(), "_fresh": False, "csrf_token": uuid.uuid4().hex}
        )
        cookie = f"{app.config['SESSION_COOKIE_NAME']}={signed}"
        db.engine.dispose()
    return cookie


def check(base: str, target: Target, cookie: str) -> tuple[str, tuple[str, ...]]:
    """The target's URL and headers, after one request that must succeed."""
    url = base + target.path
    headers = (f"Cookie: {cookie}",) if target.professional else ()
    request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))
    with urllib.request.urlopen(request, timeout=30) as response:  # fails loudly on a 4xx/5xx
        page = response.read().decode()
    if target.professional and ("Dr Bench Mark" not in page or "to cart</button>" not in page):
        raise SystemExit(f"bench: {target.path} did not see the professional able to order")
    return url, headers


@dataclass
class Row:
    result: Result
    ceiling_rps: float  # the ceiling measured in the slices between this row's
    goal: float | None

    @property
    def ratio(self) -> float:
        return self.result.rps / self.ceiling_rps


def measure(ceiling_url: str, base: str, target: Target, args, cookie: str) -> Row:
    """The target and the ceiling in alternating slices, so that a change in the
    machine's load (it is shared) weighs on both sides of the ratio alike."""
    url, headers = check(base, target, cookie)
    wrk(url, args.warmup, args.connections, headers)
    slices: list[Result] = []
    ceilings: list[Result] = []
    seconds = max(1, round(args.duration / args.rounds))
    for _ in range(args.rounds):
        ceilings.append(wrk(ceiling_url, seconds, args.connections))
        slices.append(wrk(url, seconds, args.connections, headers))
    result = Result(
        target.name,
        statistics.fmean(r.rps for r in slices),
        statistics.median(r.p50_ms for r in slices),
        statistics.median(r.p99_ms for r in slices),
        sum(r.errors for r in slices),
    )
    return Row(result, statistics.fmean(r.rps for r in ceilings), target.ratio_goal)


def bench_backend(backend: str, args, folder: Path) -> list[Row]:
    with database(backend, folder) as url:
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("SHOP_", "FLASK_", "CACHE_", "STRIPE_"))
            },
            "SHOP_ENV": "production",
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "SHOP_BASE_URL": "http://127.0.0.1",
            "DATABASE_URL": url,
            "RATELIMIT_ENABLED": "false",  # the benchmark is one client hammering
            # Production refuses to start without Stripe keys; the catalogue never calls Stripe.
            "STRIPE_SECRET_KEY": "sk_test_" + "b" * 24,
            "STRIPE_PUBLISHABLE_KEY": "pk_test_" + "b" * 24,
            "STRIPE_WEBHOOK_SECRET": "whsec_" + "b" * 32,
        }
        started = time.perf_counter()
        run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], env)
        run(
            [
                str(BIN / "flask"),
                "--app",
                "wsgi",
                "shop",
                "seed-demo",
                "--products",
                str(args.products),
            ],
            env,
        )
        cookie = professional_cookie(url, env)
        settle(url)
        print(
            f"  {backend}: schema and {args.products} products seeded in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        if backend == "postgresql":
            costs = checkout_costs(url)
            print(
                f"  {backend}: a checkout and the cached pages' statement take "
                + ", ".join(f"{costs[check]:.0f} µs with {check}" for check in CHECKS),
                flush=True,
            )

        with (
            gunicorn("ceiling:app", env, folder / "ceiling.log", chdir=ROOT / "bench") as ceiling,
            gunicorn("wsgi:app", env, folder / f"shop-{backend}.log") as shop,
            gunicorn(
                "wsgi:app",
                {**env, "CACHE_TYPE": "NullCache"},
                folder / f"shop-{backend}-nocache.log",
            ) as uncached,
        ):
            ceiling_url, _ = check(ceiling, CEILING, cookie)
            wrk(ceiling_url, args.warmup, args.connections)
            rows = [measure(ceiling_url, shop, target, args, cookie) for target in TARGETS]
            rows += [measure(ceiling_url, uncached, target, args, cookie) for target in UNCACHED]
        return rows


def report(backend: str, rows: list[Row]) -> bool:
    ok = True
    print(
        f"\n{backend}: wrk -t2 -c{ARGS.connections}, {ARGS.duration} s per URL in {ARGS.rounds} slices"
        f" alternating with the ceiling's, gunicorn 2 sync workers, 2 cores"
    )
    print(
        f"  {'endpoint':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ceiling':>8} {'of ceiling':>10}  goal"
    )
    for row in rows:
        result, goal = row.result, row.goal
        verdict = ""
        if goal is not None:
            met = row.ratio >= goal and result.p99_ms < P99_GOAL_MS and result.errors == 0
            ok &= met
            verdict = f"≥ {goal:.2f}, p99 < {P99_GOAL_MS:.0f} ms: {'met' if met else 'MISSED'}"
        if result.errors:
            verdict += f" ({result.errors} errors)"
        print(
            f"  {result.name:28} {result.rps:8.0f} {result.p50_ms:8.2f} {result.p99_ms:8.2f}"
            f" {row.ceiling_rps:8.0f} {row.ratio:10.2f}  {verdict}"
        )
    return ok


def main() -> int:
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5, help="slices per URL")
    ARGS = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench: wrk not found; install it with: apt-get install wrk", file=sys.stderr)
        return 2
    all_ok = True
    with tempfile.TemporaryDirectory(prefix="shop-bench-") as tmp:
        results = {}
        for backend in ARGS.backends:
            results[backend] = bench_backend(backend, ARGS, Path(tmp))
        for backend, rows in results.items():
            all_ok &= report(backend, rows)
    print("\nall goals met" if all_ok else "\nsome goals MISSED (see above)")
    return 0 if all_ok else 1


ARGS: argparse.Namespace

if __name__ == "__main__":
    raise SystemExit(main())
