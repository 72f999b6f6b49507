"""The web chat at `/chat`: a page and a small JSON API over the same pipeline as Telegram."""
