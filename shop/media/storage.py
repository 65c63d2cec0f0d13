"""Where media files are kept: one interface, ``Storage``, that the database implements.

Files are addressed by the SHA-256 of their bytes, so a key names the same bytes
forever, on every application server. Callers go through ``media_storage()``; a
file store or an object store would implement the same three methods.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from shop.extensions import db
from shop.media.models import MediaFile


@dataclass(frozen=True)
class StoredFile:
    key: str  # the SHA-256 of data, in hex
    content_type: str
    data: bytes


class Storage(Protocol):
    def put(self, data: bytes, content_type: str) -> str:
        """Keep these bytes (once, however often they are put); their key."""
        ...

    def get(self, key: str) -> StoredFile | None:
        """The file with this key, or None."""
        ...

    def discard(self, keys: Iterable[str]) -> None:
        """Forget these files (the caller knows nothing refers to them any more)."""
        ...


def content_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class DatabaseStorage:
    """Files as rows of ``media_files``, in the caller's transaction (flushes, never commits)."""

    def put(self, data: bytes, content_type: str) -> str:
        key = content_key(data)
        if db.session.get(MediaFile, key) is not None:
            return key
        try:
            # Another upload of the same bytes may commit first: then its row is ours too.
            with db.session.begin_nested():
                db.session.add(
                    MediaFile(
                        sha256=key, content_type=content_type, size_bytes=len(data), data=data
                    )
                )
        except IntegrityError:
            pass
        return key

    def get(self, key: str) -> StoredFile | None:
        row = db.session.execute(
            select(MediaFile.content_type, MediaFile.data).where(MediaFile.sha256 == key)
        ).first()
        return None if row is None else StoredFile(key, row.content_type, row.data)

    def discard(self, keys: Iterable[str]) -> None:
        keys = sorted(set(keys))
        if keys:
            db.session.execute(delete(MediaFile).where(MediaFile.sha256.in_(keys)))


_DATABASE = DatabaseStorage()


def media_storage() -> Storage:
    """The storage this shop keeps its media in."""
    return _DATABASE
