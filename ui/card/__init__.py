"""The contractor card window."""
