"""Ingest: the public HTTP API that accepts citizen feedback and writes it to Kafka."""
