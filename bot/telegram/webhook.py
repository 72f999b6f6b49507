"""`POST /telegram/webhook`: where Telegram pushes updates when the bot runs in webhook mode."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, Response, status

from bot.telegram.channel import InvalidWebhookUpdate, TelegramChannel

router = APIRouter(tags=["telegram"])


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(
    request: Request,
    secret_token: Annotated[str | None, Header(alias="X-Telegram-Bot-Api-Secret-Token")] = None,
) -> Response:
    """Check Telegram's secret token and queue the update for the bot."""
    channel: TelegramChannel | None = getattr(request.app.state, "telegram", None)
    if channel is None or not channel.uses_webhook or channel.webhook_secret is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the Telegram webhook is not enabled")
    if secret_token is None or not secrets.compare_digest(secret_token, channel.webhook_secret):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong or missing secret token")
    try:
        await channel.accept_webhook_update(await request.json())
    except (ValueError, InvalidWebhookUpdate) as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from error
    return Response(status_code=status.HTTP_200_OK)
