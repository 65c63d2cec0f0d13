"""gunicorn's sync worker, which on a graceful stop serves the connections already
waiting on the socket before it lets go of it (gunicorn.conf.py sets it).

gunicorn's own worker finishes the request under way and exits. The connections the
kernel had accepted meanwhile, waiting for a worker to take them, are then reset:
a proxy cannot know whether such a request was read, so it answers 502 instead of
trying the next instance for anything but idempotent methods. This worker takes
every connection still waiting, serves it, and closes its copy of the socket as
soon as none is left; once every worker has, the port refuses new connections,
which a proxy passes to another instance whatever their method.
"""

from __future__ import annotations

import errno
import time

from gunicorn.workers.sync import SyncWorker

_EMPTY = (errno.EAGAIN, errno.EWOULDBLOCK, errno.ECONNABORTED)


class DrainingSyncWorker(SyncWorker):
    def run(self) -> None:
        super().run()
        if not self.alive:  # told to stop gracefully (SIGTERM)
            self.serve_waiting()

    def serve_waiting(self) -> None:
        # The arbiter kills a worker graceful_timeout after asking it to stop: leave
        # the rest of that time to the last request.
        deadline = time.monotonic() + self.cfg.graceful_timeout / 2
        for listener in self.sockets:
            while time.monotonic() < deadline:
                self.notify()
                try:
                    self.accept(listener)  # the sockets are non-blocking (SyncWorker.run)
                except OSError as error:
                    if error.errno not in _EMPTY:
                        raise
                    break
            listener.close()
