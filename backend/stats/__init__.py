"""The 三率 (response, on-time resolution, satisfaction) and their companions, by SQL aggregates."""
