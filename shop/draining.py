"""Whether this instance is draining: told to stop, still serving, no longer ready.

gunicorn's arbiter sets the flag when it receives SIGTERM (gunicorn.conf.py) and keeps
serving for ``DRAIN_SECONDS`` while ``/readyz`` answers 503, so a balancer takes the
instance out before it stops taking requests. The flag is one byte of memory shared
with the workers the arbiter forks: this module is imported by gunicorn.conf.py in
the arbiter, before any worker exists, so every worker inherits the same page.
"""

from __future__ import annotations

import mmap

_FLAG = mmap.mmap(-1, 1)  # anonymous and shared: seen by every process forked after this


def start_draining() -> None:
    _FLAG[0] = 1


def is_draining() -> bool:
    return _FLAG[0] == 1
