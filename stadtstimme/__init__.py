"""Operator entry point: the ``stadtstimme`` CLI, service wiring and the embedded runtime for ``make run``."""
