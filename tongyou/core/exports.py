"""Files people download: one way to build the response, so every export is an attachment that
no cache keeps (exports carry personal data, masked or not)."""

import io

from django.http import HttpResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """`content` as an attachment named `filename` (ASCII: the names are built from codes and
    dates), never stored by a browser or proxy cache."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
