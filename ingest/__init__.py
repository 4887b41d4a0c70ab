"""Ingestion of the organizations' files: reading, validation with pandera, loading into the warehouse."""
