"""The composition root: assembles the platform app from backend, channels and console."""
