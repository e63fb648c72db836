"""Getting data in without a person: the KSeF API, 1C, watched folders, and all of them at once.

``sync_ksef`` and ``sync_1c`` fetch from a remote source and write through the same upsert as
file imports (``desktop_app.services.imports``); ``import_folder`` imports what was dropped
into the watched folders; ``import_all`` runs every configured source, each on its own, so one
that fails is reported and the others (and the dunning run after them) go on.
"""
