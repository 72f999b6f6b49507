"""Suban's ticket platform: catalogue, places, routing, workflow, time limits, outbox, APIs."""
