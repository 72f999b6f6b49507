"""All platform API routes, in one router the composition root mounts."""

from fastapi import APIRouter

from backend.api.routes import (
    admin,
    catalogue,
    citizens,
    clusters,
    conversations,
    duplicates,
    health,
    locate,
    nlu,
    open311,
    outbox,
    stats,
    tickets,
    understand,
)

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(open311.router)
api_router.include_router(duplicates.router)  # before tickets: /similar is not a number
api_router.include_router(tickets.router)
api_router.include_router(citizens.router)
api_router.include_router(conversations.router)
api_router.include_router(conversations.corrections)
api_router.include_router(catalogue.router)
api_router.include_router(locate.router)
api_router.include_router(admin.router)
api_router.include_router(outbox.router)
api_router.include_router(understand.router)
api_router.include_router(clusters.router)
api_router.include_router(stats.router)
api_router.include_router(nlu.router)
