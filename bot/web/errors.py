"""Error responses of the API that say what was wrong with the request, in one sentence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """400 for a body that is not JSON at all; 422 naming each field that is wrong."""
    assert isinstance(exc, RequestValidationError)
    errors: Sequence[Any] = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        return JSONResponse({"detail": "the body is not valid JSON"}, status_code=400)
    return JSONResponse({"detail": "; ".join(_describe(e) for e in errors)}, status_code=422)


def _describe(error: dict[str, Any]) -> str:
    field = ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "body"
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return f'"{field}" is required'
    if kind == "string_too_long":
        return f'"{field}" is longer than {context.get("max_length")} characters'
    if kind == "string_too_short":
        return f'"{field}" is empty'
    if kind == "string_pattern_mismatch":
        return f'"{field}" must not be empty or contain spaces or control characters'
    if kind == "extra_forbidden":
        return f'unknown field "{field}"'
    if kind in ("model_attributes_type", "dict_type"):
        return "the body must be a JSON object"
    if kind == "value_error":
        return str(context.get("error") or error.get("msg", "invalid value"))
    return f'"{field}": {error.get("msg", "invalid value")}'
