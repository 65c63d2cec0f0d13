"""deploy/ agrees with itself and with the shop: the Procfile, the systemd units and the
nginx site name the same commands and ports, and the example settings are complete.
(tests/production runs the nginx site and gunicorn for real.)"""

from __future__ import annotations

import re
from configparser import ConfigParser

from honcho.environ import expand_processes, parse, parse_procfile

from shop.config import ROOT

DEPLOY = ROOT / "deploy"


def unit(name: str) -> ConfigParser:
    parser = ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def test_the_procfiles_instances_listen_where_nginx_sends_requests():
    procfile = parse_procfile((DEPLOY / "Procfile").read_text())
    # The command its comment gives: two instances and two workers from port 8001.
    assert "-c web=2,worker=2 -p 8001" in (DEPLOY / "Procfile").read_text()
    processes = expand_processes(procfile.processes, concurrency={"web": 2, "worker": 2}, port=8001)
    ports = sorted(int(p.env["PORT"]) for p in processes if p.name.startswith("web."))
    site = (DEPLOY / "nginx" / "shop.conf").read_text()
    assert ports == [int(port) for port in re.findall(r"server 127\.0\.0\.1:(\d+) ", site)]
    assert procfile.processes["web"].startswith("gunicorn --config gunicorn.conf.py ")
    assert procfile.processes["web"].endswith(" wsgi:app")
    assert procfile.processes["worker"] == "flask --app wsgi shop worker"


def test_the_units_run_the_procfiles_commands_and_let_the_drain_finish():
    procfile = parse_procfile((DEPLOY / "Procfile").read_text()).processes
    web, worker = unit("shop-web@.service"), unit("shop-worker@.service")
    assert (
        "exec venv/bin/gunicorn --config gunicorn.conf.py wsgi:app" in web["Service"]["ExecStart"]
    )
    assert f"exec venv/bin/{procfile['worker']}" in worker["Service"]["ExecStart"]
    for service in (web, worker):
        # SIGTERM to the main process only: gunicorn's arbiter drains, the worker finishes.
        assert service["Service"]["KillMode"] == "mixed"
        assert service["Service"]["KillSignal"] == "SIGTERM"
    gunicorn = (ROOT / "gunicorn.conf.py").read_text()
    drain = float(re.search(r'"DRAIN_SECONDS", "(\d+)"', gunicorn)[1])
    graceful = float(re.search(r"graceful_timeout = (\d+)", gunicorn)[1])
    assert float(web["Service"]["TimeoutStopSec"]) > drain + graceful


def test_the_example_settings_name_everything_production_requires():
    settings = parse((DEPLOY / "shop.env.example").read_text())
    required = {
        "SHOP_ENV",
        "SECRET_KEY",
        "SHOP_BASE_URL",
        "DATABASE_URL",
        "RATELIMIT_STORAGE_URI",
        "PROXY_COUNT",
        "STRIPE_SECRET_KEY",
        "STRIPE_PUBLISHABLE_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "METRICS_TOKEN",
    }
    named = set(re.findall(r"^([A-Z_]+)=", (DEPLOY / "shop.env.example").read_text(), re.M))
    assert required <= named
    assert settings["SHOP_ENV"] == "production"
    assert settings["PROXY_COUNT"] == "1"  # nginx alone in front
    assert settings["MAIL_DEFAULT_SENDER"] == "MesoPro <orders@shop.example>"  # quotes parsed
