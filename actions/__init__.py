"""Suban's Rasa custom actions (rasa-sdk, Rasa runtime). They reach the platform over HTTP only."""
