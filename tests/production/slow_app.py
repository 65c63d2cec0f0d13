"""The production app (wsgi.py) with one more route for the draining test: a request
that takes as long as it is told, and says when it has started."""

from __future__ import annotations

import time
from pathlib import Path

from flask import request

from wsgi import app


@app.get("/_test/slow")
def slow():
    Path(request.args["started"]).touch()
    time.sleep(float(request.args["seconds"]))
    return {"slept": float(request.args["seconds"])}
