"""`make test`: the whole suite on SQLite, then again on PostgreSQL.

Says plainly which parts could not run here (no PostgreSQL, no Chromium). In CI
(``SHOP_CI=1``) nothing may be skipped: a missing part fails the run.
Ends with one line that adds up both passes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("SHOP_CI") == "1"


@dataclass
class Tally:
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def add(self, other: Tally) -> None:
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped


def run_pass(name: str, env: dict[str, str], extra: list[str]) -> tuple[int, Tally]:
    print(f"\n=== {name} ===", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.xml"
        command = [sys.executable, "-m", "pytest", f"--junitxml={report}", *extra, *sys.argv[1:]]
        code = subprocess.call(command, cwd=ROOT, env=env)
        tally = Tally()
        if report.exists():
            for suite in ET.parse(report).getroot().iter("testsuite"):
                total = int(suite.get("tests", 0))
                failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
                skipped = int(suite.get("skipped", 0))
                tally.add(Tally(total - failed - skipped, failed, skipped))
        elif code != 0:
            tally.failed += 1
    return code, tally


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from tests.browser.chromium import chromium_path, wanted_path
    from tests.dbs import pg_admin_url, postgres_available

    notes: list[str] = []
    failures = 0
    total = Tally()

    chromium = chromium_path()
    if not chromium:
        notes.append(
            f"browser tests: SKIPPED, Chromium not found at {wanted_path()}"
            " (apt-get install chromium, or set CHROMIUM_PATH)"
        )

    env = {**os.environ, "SHOP_TEST_DB": "sqlite"}
    code, tally = run_pass("SQLite pass", env, ["-m", "not postgres"])
    total.add(tally)
    failures += code != 0
    notes.insert(0, f"SQLite pass: {'passed' if code == 0 else 'FAILED'}")

    available, reason = postgres_available()
    if available:
        env = {**os.environ, "SHOP_TEST_DB": "postgresql", "TEST_PG_URL": pg_admin_url()}
        code, tally = run_pass("PostgreSQL pass", env, [])
        total.add(tally)
        failures += code != 0
        notes.insert(1, f"PostgreSQL pass: {'passed' if code == 0 else 'FAILED'}")
    else:
        notes.insert(
            1, f"PostgreSQL pass: SKIPPED, {reason} (set TEST_PG_URL to use another server)"
        )
        if IN_CI:
            failures += 1

    if IN_CI and not chromium:
        failures += 1
    print("\n" + "\n".join(notes))
    print(f"total: {total.passed} passed, {total.failed} failed, {total.skipped} skipped")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
