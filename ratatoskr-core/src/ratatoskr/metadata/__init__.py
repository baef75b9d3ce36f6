"""Model metadata: the curated registry (seed JSON + cached remote file) and the live metadata cache."""
