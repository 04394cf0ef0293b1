"""Sample data for the PDFs (attendance lists, meal counts, counter documents, invoices), to
render them to look at (scripts/render_sample_pdfs.py), in tests and in the benchmarks."""
