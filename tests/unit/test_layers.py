"""The house's layout holds: domains import only the domains below them, and importing
a domain's models loads no web layer (style.md, "The tree"; design.md, "Domains")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from shop.config import ROOT

SHOP = ROOT / "shop"

# What each domain may import besides the shared modules at the top of shop/.
# catalog ← inventory ← licensing ← shipping ← checkout → orders ← payments, over accounts,
# audit, mail and media; tax sits beside shipping (checkout, payments and the planner ask it),
# billing above orders and tax; the web layers (admin, api, storefront) and the CLI on top.
MAY_IMPORT: dict[str, set[str]] = {
    "mail": set(),
    "media": set(),
    "accounts": {"audit", "mail"},
    "audit": {"accounts"},
    "catalog": {"accounts", "audit", "media"},
    "inventory": {"catalog", "accounts", "audit"},
    "licensing": {"catalog", "inventory", "accounts", "audit", "mail"},
    "orders": {"catalog", "inventory", "licensing", "accounts", "audit", "mail"},
    "shipping": {"catalog", "licensing", "accounts", "audit"},
    "tax": {"catalog", "licensing", "accounts", "audit", "mail"},
    "checkout": {
        "catalog",
        "inventory",
        "licensing",
        "shipping",
        "tax",
        "orders",
        "accounts",
        "audit",
        "mail",
    },
    "payments": {
        "catalog",
        "inventory",
        "licensing",
        "orders",
        "tax",
        "accounts",
        "audit",
        "mail",
    },
    "billing": {"catalog", "inventory", "licensing", "orders", "tax", "accounts", "audit", "mail"},
    "courses": {
        "catalog",
        "inventory",
        "licensing",
        "shipping",
        "checkout",
        "tax",
        "accounts",
        "audit",
        "mail",
    },
}
DOMAINS = set(MAY_IMPORT)
TOP = {"admin", "api", "storefront", "cli", "worker", "demo", "demo_accounts", "models"}


def _imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == "shop" and len(parts) > 1:
                found.add(parts[1])
            elif node.module == "shop":
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "shop" and len(parts) > 1:
                    found.add(parts[1])
    return found


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_a_domain_imports_only_the_domains_below_it(domain):
    wrong = []
    for path in sorted((SHOP / domain).rglob("*.py")):
        for package in sorted(_imported_packages(path) - {domain}):
            if (package in DOMAINS or package in TOP) and package not in MAY_IMPORT[domain]:
                wrong.append(f"{path.relative_to(ROOT)} imports shop.{package}")
    assert not wrong, "\n".join(wrong)


def test_importing_every_domains_models_loads_no_views():
    models = sorted(f"shop.{path.parent.name}.models" for path in SHOP.glob("*/models.py"))
    check = (
        "import importlib, sys\n"
        f"for name in {models!r}: importlib.import_module(name)\n"
        "web = sorted(m for m in sys.modules if m.startswith('shop.') and"
        " (m.rsplit('.', 1)[-1] in ('views', 'blueprint') or m.split('.')[1] in"
        " ('admin', 'api', 'storefront')))\n"
        "print(' '.join(web)); raise SystemExit(1 if web else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"loaded: {result.stdout}{result.stderr}"
