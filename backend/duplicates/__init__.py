"""Duplicate reports: offering an open ticket of the same problem nearby, and following it."""
