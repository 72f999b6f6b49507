"""Under /open311/ every error is a GeoReport error list: `[{"code": 400, "description": "…"}]`.

Domain errors already render that way (backend.api.errors); this adds FastAPI's own errors —
request validation (→ 400) and HTTP errors such as unknown paths (404) or methods (405) — for
that path prefix only, leaving FastAPI's usual answers everywhere else.
"""

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.api.validation import error_items, printable, validation_error_response

OPEN311_PREFIX = "/open311/"


def open311_error(status: int, description: str) -> JSONResponse:
    """One GeoReport error answer."""
    return JSONResponse([{"code": status, "description": description}], status_code=status)


def is_open311(request: Request) -> bool:
    """True for requests under /open311/."""
    return request.url.path.startswith(OPEN311_PREFIX)


async def validation_error_handler(request: Request, error: Exception) -> Response:
    """400 with each invalid field named, under /open311/; a 422 list elsewhere."""
    assert isinstance(error, RequestValidationError)
    if not is_open311(request):
        return validation_error_response(error)
    problems = [
        f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
        for item in error_items(error.errors())
    ]
    return open311_error(400, "; ".join(problems) or "invalid request")


async def http_error_handler(request: Request, error: Exception) -> Response:
    """HTTP errors (404 unknown path, 405 wrong method, …) as GeoReport errors under /open311/."""
    assert isinstance(error, StarletteHTTPException)
    if not is_open311(request):
        return await http_exception_handler(request, error)
    description = printable(error.detail) if isinstance(error.detail, str) else "request failed"
    if error.status_code == 404 and description == "Not Found":
        description = f"no Open311 resource at {request.url.path}"
    response = open311_error(error.status_code, description)
    if error.headers:
        response.headers.update(error.headers)
    return response


def install_open311_error_handlers(app: FastAPI) -> None:
    """Register the two handlers (they defer to FastAPI's defaults outside /open311/)."""
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
