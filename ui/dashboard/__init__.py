"""The debt dashboard page of the main window."""
