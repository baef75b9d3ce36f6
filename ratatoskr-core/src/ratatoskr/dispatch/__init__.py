"""The dispatcher (fallback chains per capability) and the stages of the dispatch pipeline, one module each."""
