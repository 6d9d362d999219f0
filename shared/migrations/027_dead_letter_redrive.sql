-- Dead letters (shared/consumer.py) keep the record's key, so that `stadtstimme dead-letters redrive` publishes it
-- again to the same partition, and when it was published again.
ALTER TABLE dead_letter ADD COLUMN record_key bytea;
ALTER TABLE dead_letter ADD COLUMN redriven_at timestamptz;
