"""Wiring of the Telegram bot: the PTB Application, its update processing and its handlers."""

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from backend.settings import Settings
from bot.telegram.commands import command_book
from bot.telegram.dedupe import UpdateLedger
from bot.telegram.handlers import TelegramHandlers
from bot.telegram.ordering import ChatOrderedUpdateProcessor

MAX_CONCURRENT_UPDATES = 64
DEDUPE_GROUP = -1  # runs before every other handler group


def build_application(
    *,
    settings: Settings,
    handlers: TelegramHandlers,
    ledger: UpdateLedger,
    processor: ChatOrderedUpdateProcessor,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> Application:
    """The bot as a PTB Application (not yet initialised); polling unless a webhook URL is set.

    `request`/`get_updates_request` replace PTB's HTTP clients (tests give a mock transport).
    """
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(processor)
        .job_queue(None)
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if settings.telegram_webhook_url:
        builder = builder.updater(None)  # the platform's /telegram/webhook feeds the queue
    application = builder.build()

    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE  # edits are not re-sent
    names = [command.command for command in command_book().commands]
    application.add_handler(TypeHandler(Update, ledger.drop_repeats), group=DEDUPE_GROUP)
    application.add_handler(CommandHandler(names, handlers.on_command, filters=private))
    application.add_handler(MessageHandler(private & filters.COMMAND, handlers.on_command))
    application.add_handler(MessageHandler(private & filters.TEXT, handlers.on_text))
    application.add_handler(MessageHandler(private & filters.PHOTO, handlers.on_photo))
    application.add_handler(MessageHandler(private & filters.LOCATION, handlers.on_location))
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(
        ChatMemberHandler(handlers.on_membership, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(
        MessageHandler(private & ~filters.StatusUpdate.ALL, handlers.on_unsupported)
    )
    application.add_error_handler(handlers.on_error)
    return application
