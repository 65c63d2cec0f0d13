"""The course planner's benchmark: `make bench-planner`.

Seeds the demo catalogue plus generated products (20,000 by default, each with a
protocol), serves the shop and the ceiling app (bench/ceiling.py: a 24-row template,
no database) under gunicorn as the catalogue bench does, and loads with wrk:

- GET /api/v1/plan for one indication (hair loss, 5 patients, 10 sessions from next
  Monday): every active product with a protocol for the scalp and that indication is
  worked out and sorted by cost, and the first page gets its lots (FEFO) and
  professions;
- the ceiling's page, in slices that alternate with the plan's (bench.catalog.measure),
  so that both sides of the ratio share the load of a shared machine.

It prints requests per second and latencies, and the time per plan as a ratio to the
ceiling's time per page (1.0 would be as fast as a template with no database).

    python -m bench.planner [--backends sqlite postgresql] [--products 20000]
                            [--duration 10] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from bench.catalog import ROOT, Target, database, environment, gunicorn, measure, seed, wrk

INDICATION = "hair-loss"
CEILING_PATH = "/"


def plan_path(today: date) -> str:
    monday = today + timedelta(days=7 - today.weekday())
    return f"/api/v1/plan?indication={INDICATION}&patients=5&sessions=10&start={monday}"


def first_plan(url: str) -> dict:
    """The plan's answer, checked: a page of products with their packs, cost and lots."""
    with urllib.request.urlopen(url, timeout=60) as response:  # fails loudly on a 4xx/5xx
        answer = json.load(response)
    items = answer["items"]
    if not items or any(item["packs"] < 1 or item["cost"] is None for item in items):
        raise SystemExit(f"bench: {url} planned nothing usable: {str(answer)[:500]}")
    return answer


def bench(backend: str, args, folder: Path) -> bool:
    with database(backend, folder, "planner") as url:
        env = environment(url)
        took = seed(url, args.products, env)
        print(
            f"  {backend}: schema and {args.products} products seeded in {took:.0f} s", flush=True
        )
        with (
            gunicorn("ceiling:app", env, folder / "ceiling.log", chdir=ROOT / "bench") as ceiling,
            gunicorn("wsgi:app", env, folder / f"shop-{backend}.log") as shop,
        ):
            path = plan_path(date.today())
            answer = first_plan(shop + path)
            ceiling_url = ceiling + CEILING_PATH
            wrk(ceiling_url, args.warmup, args.connections)
            row = measure(
                ceiling_url, shop, Target("plan one indication", path, None), args, "", None
            )
    result = row.result
    print(
        f"  {backend}: plan {INDICATION} for 5 patients x 10 sessions, {answer['total']}"
        f" products fit, first page of {len(answer['items'])}:"
        f" {result.rps:.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms;"
        f" ceiling {row.ceiling_rps:.0f} req/s;"
        f" time per plan = {1 / row.ratio:.1f} x the ceiling's",
        flush=True,
    )
    if result.errors:
        print(f"  {backend}: {result.errors} errors under load")
    return result.errors == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of the plan's load")
    parser.add_argument("--rounds", type=int, default=5, help="slices alternating with the ceiling")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench: wrk not found; install it with: apt-get install wrk", file=sys.stderr)
        return 2
    print(
        f"wrk -t2 -c{args.connections}, {args.duration} s in {args.rounds} slices alternating"
        " with the ceiling's, gunicorn 2 sync workers",
        flush=True,
    )
    ok = True
    for backend in args.backends:
        with tempfile.TemporaryDirectory(prefix="bench-planner-") as folder:
            ok = bench(backend, args, Path(folder)) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
