"""The first-run wizard: what a new database needs before Inkaso works the debt."""
