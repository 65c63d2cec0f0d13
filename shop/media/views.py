"""``GET /media/<sha256>.<webp|jpg>``: a stored file, at a URL that names its bytes.

The bytes behind a URL never change, so the answer is ``public, immutable`` for a
year whoever asks (a proxy in front keeps one copy for everyone), and its ETag is the
hash itself: a conditional GET is answered 304 without reading the database.
"""

from __future__ import annotations

from flask import abort, current_app, request

from shop.media.blueprint import bp
from shop.media.storage import media_storage

IMMUTABLE = "public, max-age=31536000, immutable"
EXTENSIONS = {"webp": "image/webp", "jpg": "image/jpeg"}


@bp.get("/media/<string(length=64):key>.<any(webp, jpg):extension>")
def media_file(key: str, extension: str):
    if key.strip("0123456789abcdef"):
        abort(404)
    if key in request.if_none_match:
        response = current_app.response_class(status=304)
    else:
        stored = media_storage().get(key)
        if stored is None or stored.content_type != EXTENSIONS[extension]:
            abort(404)
        response = current_app.response_class(stored.data, mimetype=stored.content_type)
    response.set_etag(key)
    response.headers["Cache-Control"] = IMMUTABLE
    return response
