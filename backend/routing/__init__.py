"""Routing (派单): which department handles a ticket, by rules kept in the database."""
