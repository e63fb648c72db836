"""The morning digest: what changed since the previous one, e-mailed to the owner and managers."""
