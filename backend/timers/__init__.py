"""Time limits (办理时限): reminders 催办 before a deadline, escalation 督办 after it."""
