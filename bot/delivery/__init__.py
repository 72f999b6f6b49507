"""Proactive delivery: outbox events told to citizens through Rasa, in the channel they used."""
