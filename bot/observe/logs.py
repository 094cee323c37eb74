"""Logging as JSON lines, with ID numbers and mobile numbers never printed in full."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from bot.privacy.masking import mask

# Record attributes that are not `extra` fields; uvicorn adds an ANSI-coloured copy of its text.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


class MaskingFilter(logging.Filter):
    """Masks the formatted message of every record that passes, whoever formats it later."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


class WebhookQueries(logging.Filter):
    """Cuts the query string off /webhooks/* lines of uvicorn's access log: WeChat signs its
    requests there, and whoever reads the log could replay one while its timestamp passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn's access record: (client, method, path with query, http version, status)
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path, _, _query = args[2].partition("?")
            if path.startswith("/webhooks/"):
                record.args = (args[0], args[1], path, args[3], args[4])
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, any `extra` fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for name, value in record.__dict__.items():
            if name not in _STANDARD and not name.startswith("_"):
                data[name] = mask(value) if isinstance(value, str) else value
        if record.exc_info:
            data["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False, default=str)


def configure(level: str = "INFO") -> None:
    """Send every logger (uvicorn's too) to stderr as masked JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    # httpx logs every request's URL at INFO, and WeChat's carry the AppSecret and the access
    # token in their query strings.
    logging.getLogger("httpx").setLevel(max(root.level, logging.WARNING))
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, WebhookQueries) for f in access.filters):
        access.addFilter(WebhookQueries())
