"""Tickets (工单): creation, the workflow state machine, ratings and the citizen-visible history."""
