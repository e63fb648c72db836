"""Display-only Qt item models: row ids plus a cache of rows fetched through the services."""
