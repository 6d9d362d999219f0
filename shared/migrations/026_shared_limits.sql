-- Abuse limits that hold across replicas (shared.abuse, services.ingest.pow). Nothing here identifies a citizen.

-- Each HTTP instance says every STADTSTIMME_LIMITS_SYNC_S which services it serves. A service's per-client quota is
-- shared out between its live instances (each gives a client 1/N of it), so N instances together never give more.
CREATE TABLE limit_replica (
    service   text NOT NULL,
    instance  uuid NOT NULL,
    seen      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, instance)
);

-- The flood breaker of the whole installation: the submissions accepted in the current minute by every ingest
-- instance (each adds its own at every sync) and until when the breaker is open.
CREATE TABLE flood_breaker (
    name          text PRIMARY KEY,
    window_start  timestamptz NOT NULL DEFAULT now(),
    accepted      bigint NOT NULL DEFAULT 0,
    open_until    timestamptz NOT NULL DEFAULT now()
);
INSERT INTO flood_breaker (name) VALUES ('ingest');

-- Proof-of-work solutions used once, by any instance: the challenge's signature until the challenge expires.
CREATE TABLE pow_spent (
    signature   bytea PRIMARY KEY,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX pow_spent_expires ON pow_spent (expires_at);
