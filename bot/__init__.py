"""Suban's chat channels (Telegram, web chat) and the pipeline that connects them to Rasa."""
