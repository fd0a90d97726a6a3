"""Log records fit for a district's log collector: one JSON object a line, and no personal data.

Code logs identifiers (a batch, a case, a job), never a name or a number; the filter is the net
under that rule, masking what looks like an ID number (GB 11643) or a mobile number should one slip
into a message, its arguments or a traceback."""

from __future__ import annotations

import logging
import re
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

ID_NUMBER = re.compile(r"(?<!\d)\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask(text: str) -> str:
    """The text with ID numbers and mobile numbers replaced by their masked form."""
    text = ID_NUMBER.sub(lambda m: m.group()[:6] + "*" * 12, text)
    return MOBILE.sub(lambda m: m.group()[:3] + "****" + m.group()[-4:], text)


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


class JsonFormatter(_LibraryJsonFormatter):
    """python-json-logger with the fields an operator filters on: time, level, logger, message,
    process (which of the web, worker or scheduler), and the masked traceback if there is one."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        formatted = super().formatException(ei)
        return mask(formatted if isinstance(formatted, str) else "\n".join(formatted))
