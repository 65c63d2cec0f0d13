"""Licence scans: reading an upload, its type judged by its content and never by its
name, and serving the stored bytes back.

A refusal raises ``DocumentError`` before anything is written, so a refused upload
leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

import filetype
from flask import Response, send_file
from werkzeug.utils import secure_filename

from shop.licensing.errors import DocumentError
from shop.licensing.models import LicenceDocument


@dataclass(frozen=True)
class DocumentKind:
    content_type: str
    extension: str  # the one a download is named with
    label: str  # for messages: "a PDF"
    name_extensions: frozenset[str]  # what a file name of this kind may end with


ACCEPTED_KINDS = {
    kind.content_type: kind
    for kind in (
        DocumentKind("application/pdf", "pdf", "a PDF", frozenset({"pdf"})),
        DocumentKind("image/jpeg", "jpg", "a JPEG image", frozenset({"jpg", "jpeg", "jpe"})),
        DocumentKind("image/png", "png", "a PNG image", frozenset({"png"})),
    )
}
ACCEPTED_LABEL = "PDF, JPEG or PNG"


@dataclass(frozen=True)
class UploadedDocument:
    """An accepted upload, not yet stored."""

    filename: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size_bytes(self) -> int:
        return len(self.data)


def format_size(size: int) -> str:
    """'10 MB', '1.5 MB', '800 KB': sizes in the units people read (powers of 1024)."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _kind_named_by(filename: str) -> DocumentKind | None:
    extension = PurePath(filename).suffix.lower().lstrip(".")
    return next(
        (kind for kind in ACCEPTED_KINDS.values() if extension in kind.name_extensions), None
    )


def _content_label(guess) -> str:
    """What the content was found to be, for a message: 'a PNG image', 'a GIF file'."""
    if guess is None:
        return "not a PDF, JPEG or PNG file"
    kind = ACCEPTED_KINDS.get(guess.mime)
    return kind.label if kind else f"a {guess.extension.upper()} file"


def clean_filename(filename: str, kind: DocumentKind) -> str:
    """A harmless name for the download: no folders, no odd characters, the right extension."""
    stem = secure_filename(PurePath(filename.replace("\\", "/")).stem) or "licence"
    return f"{stem[:200]}.{kind.extension}"


def read_licence_upload(
    stream: BinaryIO, filename: str, *, max_bytes: int, what: str = "your licence"
) -> UploadedDocument:
    """Read an upload and accept it only if it is a PDF, JPEG or PNG of at most ``max_bytes``
    (``what``: the paper it should be, for the messages).

    Reads at most one byte more than the limit, so a large file is refused
    without being held in memory whole.
    """
    data = stream.read(max_bytes + 1)
    if not data:
        raise DocumentError(DocumentError.EMPTY, f"The file is empty. Choose the scan of {what}.")
    if len(data) > max_bytes:
        raise DocumentError(
            DocumentError.TOO_LARGE,
            f"The file is larger than {format_size(max_bytes)}, the most we accept. "
            "Scan at a lower resolution or save it as a smaller PDF or JPEG.",
        )
    guess = filetype.guess(data)
    kind = ACCEPTED_KINDS.get(guess.mime) if guess else None
    named = _kind_named_by(filename)
    if named is not None and named is not kind:
        raise DocumentError(
            DocumentError.NAME_MISMATCH,
            f"The file is named as {named.label}, but its content is {_content_label(guess)}. "
            f"Upload the scan itself, as a {ACCEPTED_LABEL} file.",
        )
    if kind is None:
        found = "none of them" if guess is None else _content_label(guess)
        raise DocumentError(
            DocumentError.UNSUPPORTED_TYPE,
            f"Only {ACCEPTED_LABEL} files are accepted, and this file is {found}.",
        )
    return UploadedDocument(
        filename=clean_filename(filename, kind),
        content_type=kind.content_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


# Serving ------------------------------------------------------------------------

# The inline variant is framed only by the shop's own pages (the admin preview); its
# content runs in a sandbox with nothing allowed, whatever the file holds.
INLINE_POLICY = "default-src 'none'; img-src 'self'; frame-ancestors 'self'; sandbox"


def document_response(document: LicenceDocument, *, inline: bool = False) -> Response:
    """The stored bytes with the stored type: an attachment, or inline for the admin preview."""
    response = send_file(
        io.BytesIO(document.data),
        mimetype=document.content_type,
        as_attachment=not inline,
        download_name=document.filename,
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Private papers: never kept by a shared cache, nor by the browser once shown.
    response.headers["Cache-Control"] = "private, no-store"
    if inline:
        response.headers["Content-Security-Policy"] = INLINE_POLICY
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
