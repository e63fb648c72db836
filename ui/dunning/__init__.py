"""Dunning screens: sending, outbox, tasks, settings, tray; scenario/template editors, calendar."""
