"""Conversations (对话) with citizens: messages with their NLU result, handoff flags."""
