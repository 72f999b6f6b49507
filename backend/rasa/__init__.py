"""The platform's HTTP client for the Rasa server (channels and the understanding endpoint)."""
