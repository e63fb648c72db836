"""Use cases over a unit of work. Every data change in Inkaso goes through one of these."""
