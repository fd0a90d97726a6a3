"""Uploaded files: bounded while they stream, and judged by their structure, not their first bytes.

- `LimitedUploadHandler` (first in FILE_UPLOAD_HANDLERS) counts each file's bytes as they arrive and
  stops passing them on past the view's limit (`@upload_limit(n)`, else UPLOAD_MAX_BYTES): nothing
  beyond the limit is spooled to memory or disk. The file then arrives as a `RefusedUpload` whose
  size says it was too large, so each form's own size check gives its Chinese message.
- `inspect()` decides what a file is by parsing it: images are decoded and re-encoded by Pillow
  (dropping whatever rode along after the picture, a PDF/JPEG polyglot included, and the EXIF
  metadata with its GPS position), PDFs must parse (pypdf) and carry no scripts, launch actions or
  embedded files and nothing after their end, Office files must be well-formed, unencrypted,
  macro-free zips of bounded size. A file that is not what it claims raises Refusal."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import Refusal

PDF = {b"%PDF": "application/pdf"}
IMAGES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}
# Word and Excel (.docx, .xlsx) are ZIP containers.
OFFICE = {b"PK\x03\x04": "application/zip"}

MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel photo; a decompression bomb claims far more
MAX_OFFICE_UNCOMPRESSED = 100 * 1024 * 1024
MAX_OFFICE_ENTRIES = 5_000
# PDF names that run something or carry other files: never accepted in evidence.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|EmbeddedFiles|RichMedia|XFA|SubmitForm)\b")


def sniff(content: bytes, allowed: Any) -> Any:
    """The content type `content` claims among `allowed` ({signature: type}), or None. A claim
    only: `inspect()` checks it."""
    return next((kind for signature, kind in allowed.items() if content.startswith(signature)), None)


def accept(
    upload: Any, allowed: dict, max_bytes: int, *, too_large: str | Promise, wrong_kind: str | Promise
) -> tuple[str, bytes]:
    """(content type, bytes to keep) of an uploaded file, checked the one way every upload path
    checks: no more than `max_bytes` read, the kind recognised by its content among `allowed`,
    its structure inspected (pictures re-encoded). Refusal with the caller's messages otherwise."""
    if (getattr(upload, "size", None) or 0) > max_bytes:  # a file the upload handler cut short too
        raise Refusal(too_large)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise Refusal(too_large)
    if sniff(content, allowed) is None:
        raise Refusal(wrong_kind)
    return inspect(content, allowed)


def inspect(content: bytes, allowed: dict) -> tuple[str, bytes]:
    """(content type, the bytes to keep) for an uploaded file, or Refusal. Images come back
    re-encoded; other kinds come back as they were, once their structure checked out."""
    kind = sniff(content, allowed)
    if kind is None:
        raise Refusal(_("This kind of file is not accepted here."))
    if kind in IMAGES.values():
        return kind, _clean_image(content, kind)
    if kind == "application/pdf":
        _check_pdf(content)
    elif kind == "application/zip":
        _check_office(content)
    return kind, content


def _clean_image(content: bytes, kind: str) -> bytes:
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(content)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(content)) as opened:
            if opened.width * opened.height > MAX_IMAGE_PIXELS:
                raise Refusal(_("The picture is too large (more than 40 million pixels)."))
            opened.load()
            image = ImageOps.exif_transpose(opened)
            out = io.BytesIO()
            if kind == "image/jpeg":
                image.convert("RGB").save(out, "JPEG", quality=90)
            else:
                image.save(out, "PNG")
    except Refusal:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refusal(_("The picture is damaged or not really a JPEG or PNG.")) from None
    return out.getvalue()


def _check_pdf(content: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    end = content.rfind(b"%%EOF")
    if end < 0 or len(content[end + 5 :].strip()) > 0:
        raise Refusal(_("The PDF is damaged, or something else is attached after its end."))
    if PDF_ACTIVE.search(content):
        raise Refusal(_("The PDF contains scripts, actions or embedded files; print it to a plain PDF."))
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise Refusal(_("The PDF is password-protected; upload it without the password."))
        if len(reader.pages) < 1:
            raise Refusal(_("The PDF has no pages."))
    except Refusal:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError, OSError):
        raise Refusal(_("The PDF is damaged and cannot be read.")) from None


def _check_office(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if len(entries) > MAX_OFFICE_ENTRIES:
                raise Refusal(_("The file has too many parts to be a Word or Excel document."))
            if sum(entry.file_size for entry in entries) > MAX_OFFICE_UNCOMPRESSED:
                raise Refusal(_("The file unpacks to more than 100 MB (a zip bomb?)."))
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise Refusal(_("The file is password-protected; upload it without the password."))
            if "[Content_Types].xml" not in names:
                raise Refusal(_("The file is a zip archive, not a Word or Excel document."))
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise Refusal(_("The file contains macros; save it as .docx or .xlsx without macros."))
    except zipfile.BadZipFile:
        raise Refusal(_("The file is damaged and cannot be opened.")) from None


class RefusedUpload(UploadedFile):
    """What arrives instead of a file that exceeded its limit while streaming: empty, with the
    size that was counted (more than the limit), so the form's size check refuses it."""

    def __init__(self, name: str, content_type: Any, received: Any, limit: int) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, received)
        self.limit = limit
        self.exceeded = True


def upload_limit(max_bytes: int) -> Any:
    """Set the most any one file posted to this view may be (bytes)."""

    def decorator(view: Any) -> Any:
        view.upload_limit = max_bytes
        return view

    return decorator


class LimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        match = getattr(self.request, "resolver_match", None)
        self.limit = getattr(getattr(match, "func", None), "upload_limit", None) or settings.UPLOAD_MAX_BYTES
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            return None  # later handlers (memory, temporary file) get nothing more
        return raw_data

    def file_complete(self, file_size: int) -> RefusedUpload | None:
        if self.received > self.limit:
            return RefusedUpload(self.file_name or "", self.content_type, self.received, self.limit)
        return None  # within the limit: the next handler builds the file as usual
