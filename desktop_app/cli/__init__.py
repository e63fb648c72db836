"""The ``inkaso`` command line: thin handlers over the services, JSON for scripts."""
