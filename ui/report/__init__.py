"""View → Owed to us…: the aging report by contractor, account manager or bucket, with filters,
drill-down to the cards and exports to Excel and PDF."""
