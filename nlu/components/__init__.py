"""Suban's own Rasa NLU components (loaded by Rasa from config.yml; Rasa runtime only)."""
