"""Dunning use cases: scenarios, planning, the outbox, sending, tasks, pauses and promises."""
