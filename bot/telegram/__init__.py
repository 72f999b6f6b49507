"""The Telegram channel (python-telegram-bot 22): citizens' chats in, replies and notices out."""
