"""Invoices: drafts, the invoice run, PDFs, payments, queries and reminders."""
