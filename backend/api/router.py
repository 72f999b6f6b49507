"""All platform API routes, in one router the composition root mounts."""

from fastapi import APIRouter

from backend.api.routes import health

api_router = APIRouter()
api_router.include_router(health.router)
