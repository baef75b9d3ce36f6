"""The provider registry and the stages of the dispatch pipeline, one module each."""
