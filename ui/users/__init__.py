"""The people working in Inkaso: the users screen, absences, assigning contractors in bulk."""
