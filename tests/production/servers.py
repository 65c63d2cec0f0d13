"""Real server processes for the tests that need them: gunicorn with the production
configuration, nginx serving deploy/nginx/shop.conf, a Redis of the test's own, and a
TCP proxy in front of PostgreSQL that can go silent.

Each listens on free loopback ports, is stopped afterwards, and every wait is bounded,
so a test that goes wrong fails instead of hanging the run.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import flask_bootstrap

from tests.conftest import IN_CI, PRODUCTION_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path | None = None) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}: {_tail(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {STARTUP_SECONDS}s: {_tail(log)}")


def wait_until(condition, seconds: float = 20, every: float = 0.1):
    """Poll ``condition`` until it returns something true; that value, or None at the end."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return None


def _tail(log: Path | None) -> str:
    return log.read_text()[-3000:] if log and log.exists() else ""


def stop(process: subprocess.Popen, sig: int = signal.SIGINT) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def production_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a production instance: nothing of the developer's leaks in."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SHOP_", "FLASK_", "STRIPE_", "RATELIMIT_", "DATABASE_"))
        and key not in ("PROMETHEUS_MULTIPROC_DIR", "LOG_FORMAT", "SENTRY_DSN", "METRICS_TOKEN")
    }
    return {
        **inherited,
        **PRODUCTION_SETTINGS,
        "SHOP_ENV": "production",
        "DATABASE_URL": database_url,
        "DRAIN_SECONDS": "0",
        "PYTHONUNBUFFERED": "1",
        **settings,
    }


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen
    access_log: Path
    error_log: Path

    def access_lines(self) -> list[str]:
        return self.access_log.read_text().splitlines()

    def errors(self) -> str:
        return self.error_log.read_text()


@contextlib.contextmanager
def gunicorn(
    folder: Path,
    env: dict[str, str],
    *,
    workers: int = 2,
    app: str = "wsgi:app",
    extra_args: tuple[str, ...] = (),
    name: str = "gunicorn",
) -> Iterator[Gunicorn]:
    """gunicorn as the docs run it (gunicorn.conf.py), on a free port."""
    port = free_port()
    folder = folder / f"{name}-{port}"
    folder.mkdir(parents=True)
    metrics = folder / "metrics"
    env = {"PROMETHEUS_MULTIPROC_DIR": str(metrics), **env}
    access, error = folder / "access.log", folder / "error.log"
    with access.open("w") as stdout, error.open("w") as stderr:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                *extra_args,
                app,
            ],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    server = Gunicorn(port, process, access, error)
    try:
        wait_for_port(port, process, error)
        yield server
    finally:
        stop(process)


# Redis --------------------------------------------------------------------------------


def redis_missing_reason() -> str | None:
    if shutil.which("redis-server"):
        return None
    return "redis-server is not installed (apt-get install redis-server)"


@dataclass
class Redis:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def pause(self) -> None:
        """Stop answering, connections kept open: a hung Redis."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        self.resume()
        stop(self.process, signal.SIGTERM)


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[Redis]:
    """A Redis of this test's own (never the shared one), in memory only."""
    port = free_port()
    log = folder / f"redis-{port}.log"
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
            "--logfile",
            str(log),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Redis(port, process)
    try:
        wait_for_port(port, process, log)
        yield server
    finally:
        server.stop()


# A TCP proxy ---------------------------------------------------------------------------


@dataclass
class TcpProxy:
    """Forwards loopback connections to ``target``; can freeze (connections stay open and
    nothing passes either way) or black-hole (new connections are accepted and never
    answered). Counts the connections it accepts."""

    target: tuple[str, int]
    frozen: bool = False
    black_hole: bool = False
    accepted: int = 0
    _sockets: list[socket.socket] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            self._sockets.append(client)
            if self.black_hole:
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            self._sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while not self._stop.is_set():
            if self.frozen:
                time.sleep(0.05)
                continue
            try:
                readable, _, _ = select.select([source], [], [], 0.1)
                if not readable or self.frozen:  # frozen meanwhile: nothing passes
                    continue
                data = source.recv(65536)
                if not data:
                    sink.shutdown(socket.SHUT_WR)
                    return
                sink.sendall(data)
            except OSError:
                return

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()


# nginx ----------------------------------------------------------------------------------

NGINX_SITE = ROOT / "deploy" / "nginx" / "shop.conf"
BOOTSTRAP_STATIC = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5"
SERVER_NAME = "shop.example"


# /usr/sbin is not on every user's PATH.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def nginx_missing_reason() -> str | None:
    found = {"nginx": NGINX, "openssl": shutil.which("openssl")}
    missing = [name for name, path in found.items() if not path]
    if not missing and Path("/etc/nginx/mime.types").exists():
        return None
    return f"{' and '.join(missing) or 'nginx'} not installed (apt-get install nginx openssl)"


def skip_or_fail_without(reason: str | None) -> None:
    """Skip with the reason on a developer's machine; in CI the skip fails the run."""
    import pytest

    if reason:
        pytest.skip(reason + (" (CI must install it: .ci/run)" if IN_CI else ""))


@dataclass
class Nginx:
    https_port: int
    http_port: int
    certificate: Path
    access_log: Path
    error_log: Path


def render_site(
    upstreams: list[int], https_port: int, http_port: int, folder: Path, cert: Path, key: Path
) -> str:
    """deploy/nginx/shop.conf with only its addresses and paths changed for this machine."""
    site = NGINX_SITE.read_text()
    replacements = [
        ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{upstreams[0]} "),
        ("server 127.0.0.1:8002 ", f"server 127.0.0.1:{upstreams[-1]} "),
        ("/var/cache/nginx/shop", str(folder / "cache")),
        ("    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        ("    listen [::]:80;\n", ""),
        (
            "listen 443 ssl http2 default_server;",
            f"listen 127.0.0.1:{https_port} ssl http2 default_server;",
        ),
        ("    listen [::]:443 ssl http2 default_server;\n", ""),
        ("/etc/ssl/certs/shop.example.pem", str(cert)),
        ("/etc/ssl/private/shop.example.key", str(key)),
        ("/var/log/nginx/shop.access.log", str(folder / "access.log")),
        ("/var/log/nginx/shop.error.log", str(folder / "error.log")),
        ("/srv/shop/current/static/", f"{ROOT / 'static'}/"),
        (
            "/srv/shop/current/venv/lib/python3.11/site-packages/flask_bootstrap/static/bootstrap5/",
            f"{BOOTSTRAP_STATIC}/",
        ),
    ]
    for old, new in replacements:
        assert old in site, (
            f"{NGINX_SITE} no longer has {old!r}: update tests/production/servers.py"
        )
        site = site.replace(old, new)
    return site


# What Debian's /etc/nginx/nginx.conf gives every site, with this test's own paths.
MAIN_CONFIG = """\
{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/main-error.log;
events {{ worker_connections 256; }}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    gzip on;
    include {folder}/shop.conf;
}}
"""


@contextlib.contextmanager
def nginx(folder: Path, upstreams: list[int]) -> Iterator[Nginx]:
    folder = folder / "nginx"
    folder.mkdir()
    cert, key = folder / "shop.pem", folder / "shop.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", f"/CN={SERVER_NAME}",
            "-addext", f"subjectAltName=DNS:{SERVER_NAME}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    https_port, http_port = free_port(), free_port()
    (folder / "shop.conf").write_text(
        render_site(upstreams, https_port, http_port, folder, cert, key)
    )
    # As root, nginx's workers would switch to "nobody", who cannot read this folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(MAIN_CONFIG.format(user=user, folder=folder))
    log = folder / "stderr.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(log),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )  # fmt: skip
    try:
        wait_for_port(https_port, process, log)
        yield Nginx(https_port, http_port, cert, folder / "access.log", folder / "error.log")
    finally:
        stop(process, signal.SIGQUIT)  # nginx's graceful stop


def request_id_line(lines: list[str], request_id: str) -> str | None:
    """The access-log line of the request with this id, if it is there yet."""
    pattern = re.compile(rf"request_id={re.escape(request_id)}\b")
    return next((line for line in lines if pattern.search(line)), None)
