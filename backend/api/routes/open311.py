"""Open311 GeoReport v2 under /open311/v2/ (JSON only; other formats answer 400)."""

import json
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from starlette.concurrency import run_in_threadpool

from backend.api.deps import SessionDep, SettingsDep
from backend.errors import InvalidRequest
from backend.open311.intake import ServiceRequestInput, parse_form_fields, parse_json_body
from backend.open311.requests import (
    create_service_request,
    find_service_requests,
    get_service_request,
    lookup_token,
    parse_requests_query,
)
from backend.open311.schemas import (
    CreatedServiceRequest,
    Service,
    ServiceDefinition,
    ServiceRequest,
    TokenLookup,
)
from backend.open311.services import list_services, service_definition

router = APIRouter(prefix="/open311", tags=["Open311 GeoReport v2"])
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00+08:00"


def _json_only(format: str) -> None:
    if format != "json":
        raise InvalidRequest(f"format {format!r} is not supported; this endpoint serves .json")


@router.get("/discovery.{format}", summary="Service discovery")
def discovery(format: str, settings: SettingsDep) -> dict[str, object]:
    """Where the GeoReport v2 endpoint is and which formats it speaks."""
    _json_only(format)
    return {
        "changeset": CHANGESET,
        "contact": "Suban 速办 platform operators",
        "key_service": "Ask an administrator for an Open311 api_key.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{settings.public_base_url.rstrip('/')}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json"],
            }
        ],
    }


@router.get("/v2/services.{format}", summary="GET Service List")
def get_services(format: str, session: SessionDep) -> list[Service]:
    """The service request types (诉求类别) and their codes."""
    _json_only(format)
    return list_services(session=session)


@router.get("/v2/services/{service_code}.{format}", summary="GET Service Definition")
def get_service_definition(
    format: str, service_code: str, session: SessionDep
) -> ServiceDefinition:
    """The extra attributes a service takes (request type, urgent, district, street)."""
    _json_only(format)
    return service_definition(session=session, service_code=service_code)


@router.post("/v2/requests.{format}", summary="POST Service Request")
async def post_request(
    format: str,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> list[CreatedServiceRequest]:
    """Create a request (form-encoded as the spec says, or JSON); answers its ticket number."""
    _json_only(format)
    form = await _read_form(request)
    created = await run_in_threadpool(
        create_service_request,
        session=session,
        form=form,
        configured_keys=settings.open311_keys,
        idempotency_key=idempotency_key,
    )
    response.status_code = 201 if created.created else 200
    return [created.answer]


@router.get("/v2/requests.{format}", summary="GET Service Requests")
def get_requests(
    format: str,
    session: SessionDep,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
) -> list[ServiceRequest]:
    """Requests by id (comma list), or by service code, date range (≤90 days) and status."""
    _json_only(format)
    query = parse_requests_query(
        service_request_id=service_request_id,
        service_code=service_code,
        start_date=start_date,
        end_date=end_date,
        status=status,
    )
    return find_service_requests(session=session, query=query)


@router.get("/v2/requests/{service_request_id}.{format}", summary="GET Service Request")
def get_request(format: str, service_request_id: str, session: SessionDep) -> list[ServiceRequest]:
    """One request, as a one-element list."""
    _json_only(format)
    return get_service_request(session=session, service_request_id=service_request_id)


@router.get("/v2/tokens/{token}.{format}", summary="GET service_request_id from a token")
def get_token(format: str, token: str, session: SessionDep) -> list[TokenLookup]:
    """The ticket number created under a token (the Idempotency-Key of its creation)."""
    _json_only(format)
    return lookup_token(session=session, token=token)


async def _read_form(request: Request) -> ServiceRequestInput:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    query_fields = list(request.query_params.multi_items())
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        fields = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
        return parse_form_fields(fields=query_fields + fields)
    if content_type == "application/json":
        try:
            body = json.loads(await request.body() or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise InvalidRequest("the request body is not valid JSON") from None
        except RecursionError:
            raise InvalidRequest("the request body is nested too deeply") from None
        if isinstance(body, dict) and query_fields:
            body = {**dict(query_fields), **body}
        return parse_json_body(body=body)
    if not content_type and query_fields:
        return parse_form_fields(fields=query_fields)
    raise InvalidRequest(
        "send the request as application/x-www-form-urlencoded (or application/json)"
    )
