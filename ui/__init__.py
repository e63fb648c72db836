"""The PySide6 front end: windows, Qt item models and dialogs over the services in desktop_app."""
