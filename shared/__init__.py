"""Stadtstimme's shared package: event contracts, Kafka and database plumbing, settings, auth."""
