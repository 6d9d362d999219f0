"""Stadtstimme's services. Each has the same inner shape: domain.py (pure decisions, no I/O),
api.py (HTTP routes), worker.py (Kafka consumers), store.py (SQL), service.py (wiring of one service)."""
