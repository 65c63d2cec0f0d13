"""The course planner's benchmark: `make bench-planner`.

Seeds the demo catalogue plus generated products (20,000 by default, each with a
protocol), serves the shop and the ceiling app (bench/ceiling.py: a 24-row template,
no database) under gunicorn as the catalogue bench does, and measures with wrk:

- GET /api/v1/plan for one indication (hair loss, 5 patients, 10 sessions from next
  Monday): every active product with a protocol for the scalp is worked out, sorted by
  cost, and the first page gets its lots (FEFO) and professions;
- the ceiling's page, in the same run.

It prints requests per second and latencies, and the plan's time per request as a
ratio to the ceiling's (1.0 would be as fast as a template with no database).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path

from bench.catalog import BIN, ROOT, database, gunicorn, run, settle, wrk

INDICATION = "hair-loss"


def plan_path(today: date) -> str:
    monday = today + timedelta(days=7 - today.weekday())
    return f"/api/v1/plan?indication={INDICATION}&patients=5&sessions=10&start={monday}"


def bench(backend: str, args, folder: Path) -> bool:
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
            "RATELIMIT_ENABLED": "false",
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
        settle(url)
        print(
            f"  {backend}: schema and {args.products} products seeded"
            f" in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        with (
            gunicorn("ceiling:app", env, folder / "ceiling.log", chdir=ROOT / "bench") as ceiling,
            gunicorn("wsgi:app", env, folder / f"shop-{backend}.log") as shop,
        ):
            plan_url = shop + plan_path(date.today())
            with urllib.request.urlopen(plan_url, timeout=60) as response:  # fails on a 4xx/5xx
                total = response.read().count(b'"sku"')
            wrk(ceiling + "/", args.warmup, args.connections)
            wrk(plan_url, args.warmup, args.connections)
            top = wrk(ceiling + "/", args.seconds, args.connections)
            planned = wrk(plan_url, args.seconds, args.connections)
    if planned.errors or top.errors:
        print(f"  {backend}: errors under load (plan {planned.errors}, ceiling {top.errors})")
        return False
    ratio = top.rps / planned.rps
    print(
        f"  {backend}: plan one indication ({INDICATION}, first page of {total} products):"
        f" {planned.rps:.0f} req/s, p50 {planned.p50:.1f} ms, p99 {planned.p99:.1f} ms;"
        f" ceiling {top.rps:.0f} req/s, p50 {top.p50:.2f} ms;"
        f" time per plan = {ratio:.1f} x the ceiling's",
        flush=True,
    )
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    ok = True
    for backend in args.backend or ["sqlite", "postgresql"]:
        with tempfile.TemporaryDirectory(prefix="bench-planner-") as folder:
            ok = bench(backend, args, Path(folder)) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
