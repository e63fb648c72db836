"""Remote sources of invoices and payments (the KSeF API, 1C's OData): clients that fetch and
hand back what the importers read; the import services write it."""
