"""gunicorn's configuration for the shop: ``gunicorn --config gunicorn.conf.py wsgi:app``.

Settings given on the command line or in GUNICORN_CMD_ARGS win over these.
"""

import gc
import multiprocessing
import os
import signal
import tempfile
import threading
from pathlib import Path

from dotenv import load_dotenv

# The same environment the app will see (wsgi.py reads .env too), for the checks below.
load_dotenv()

# Metrics from every worker go to files in one folder per instance, which a scrape adds
# up (shop.metrics). Set before anything imports prometheus_client, here or in a worker.
METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"
if not os.environ.get(METRICS_DIR):
    os.environ[METRICS_DIR] = tempfile.mkdtemp(prefix="shop-metrics-")

from shop import draining  # noqa: E402 - after the metrics folder is set
from shop.config import shared_rate_limit_warning  # noqa: E402
from shop.logs import ACCESS_LOG_FORMAT, IN_FLIGHT, logging_config  # noqa: E402

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # behind the TLS proxy
# Sync workers wait on the database: two per core keeps the cores busy meanwhile.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# gunicorn's sync worker, which on a graceful stop also serves the connections waiting
# on the socket instead of leaving them to be reset (shop.gunicorn_worker).
worker_class = "shop.gunicorn_worker.DrainingSyncWorker"
# A request may take this long before its worker is killed and restarted. The
# database's timeouts end a stuck request well before, as a 503 (shop.database_faults).
timeout = 30
graceful_timeout = 30  # for requests in flight once the drain is over
keepalive = 5  # seconds an idle connection from the proxy stays open
# No runtime control socket: the shop does not use gunicornc, and one fixed socket
# path per user would be shared by every gunicorn on the host.
control_socket_disable = True

# On SIGTERM the instance first drains: it keeps serving, /readyz answers 503 so the
# balancer takes it out, and after DRAIN_SECONDS it stops taking connections and
# finishes the requests in flight and those waiting on its socket (graceful_timeout).
# A second SIGTERM skips the rest of the drain; SIGINT and SIGQUIT stop at once.
drain_seconds = float(os.environ.get("DRAIN_SECONDS", "10"))

# Request size limits. The request line has none here (0): the app answers any URL
# longer than shop.guard.MAX_URL_LENGTH itself, with 414 as JSON under /api, where
# gunicorn would send its own HTML page. The reverse proxy bounds what reaches us.
limit_request_line = 0
limit_request_fields = 100
limit_request_field_size = 8190

# Logs: the app's and gunicorn's on stderr, the access log on stdout, each line with
# the request's X-Request-ID and no raw control characters; LOG_FORMAT=json for JSON
# (shop.logs).
access_log_format = ACCESS_LOG_FORMAT
logconfig_dict = logging_config(
    os.environ.get("LOG_LEVEL", "INFO"), os.environ.get("LOG_FORMAT", "text").strip().lower()
)


def on_starting(server):
    folder = Path(os.environ[METRICS_DIR])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # a previous run's figures
        stale.unlink()


def post_worker_init(worker):
    # The app is loaded (its modules, templates, SQLAlchemy's mappings: some 190,000
    # objects) and lives as long as the worker. Frozen out of the cyclic garbage
    # collector's sight, they are no longer walked by every full collection: a pass
    # took 100 to 170 ms with them, 3 to 40 ms without, and those passes were the
    # slowest catalogue requests (bench/README.md).
    gc.freeze()


def when_ready(server):
    warning = shared_rate_limit_warning(os.environ, server.cfg.workers)
    if warning:
        server.log.warning("shop: %s", warning)
    server.handle_term = lambda: _drain_then_stop(server)


def _drain_then_stop(server):
    if drain_seconds <= 0 or draining.is_draining():
        raise StopIteration  # gunicorn's own graceful stop
    draining.start_draining()
    server.log.info("draining: /readyz answers 503 for %gs, then stopping", drain_seconds)
    # The timer sends SIGTERM again, through gunicorn's own handler, into the line above.
    timer = threading.Timer(drain_seconds, os.kill, [os.getpid(), signal.SIGTERM])
    timer.daemon = True
    timer.start()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def worker_abort(worker):
    # The arbiter kills a worker that overran `timeout`: name what it was serving.
    for request_id, method, path in list(IN_FLIGHT.values()):
        worker.log.error(
            "request %s %s %s overran the %ss worker timeout; the worker is killed",
            request_id,
            method,
            path,
            worker.cfg.timeout,
            extra={"request_id": request_id},
        )
