"""gunicorn's configuration for the shop: ``gunicorn --config gunicorn.conf.py wsgi:app``.

Settings given on the command line or in GUNICORN_CMD_ARGS win over these.
"""

import multiprocessing
import os

from dotenv import load_dotenv

from shop.config import shared_rate_limit_warning
from shop.logs import ACCESS_LOG_FORMAT, logging_config

# The same environment the app will see (wsgi.py reads .env too), for the checks below.
load_dotenv()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # behind the TLS proxy
# Sync workers wait on the database: two per core keeps the cores busy meanwhile.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request may take this long before its worker is killed and restarted. The
# database's connect and statement timeouts (5 s each by default) end a stuck
# request well before, as a 503.
timeout = 30
graceful_timeout = 30
keepalive = 5  # seconds an idle connection from the proxy stays open
# No runtime control socket: the shop does not use gunicornc, and one fixed socket
# path per user would be shared by every gunicorn on the host.
control_socket_disable = True

# Request size limits. The request line has none here (0): the app answers any URL
# longer than shop.guard.MAX_URL_LENGTH itself, with 414 as JSON under /api, where
# gunicorn would send its own HTML page. The reverse proxy bounds what reaches us.
limit_request_line = 0
limit_request_fields = 100
limit_request_field_size = 8190

# Logs: the app's and gunicorn's on stderr, the access log on stdout, each line with
# the request's X-Request-ID and no raw control characters (shop.logs).
access_log_format = ACCESS_LOG_FORMAT
logconfig_dict = logging_config(os.environ.get("LOG_LEVEL", "INFO"))


def when_ready(server):
    warning = shared_rate_limit_warning(os.environ, server.cfg.workers)
    if warning:
        server.log.warning("shop: %s", warning)
