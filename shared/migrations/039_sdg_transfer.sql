-- The SDG/NFK monthly transfer (issue 19, services/analytics/sdg.py). sdg_transfer holds each month's transfer
-- exactly as it was built and sent (the JSON and its SHA-256); a row is never changed or removed (the trigger
-- refuses it), so what was transferred for a month can always be shown. sdg_delivery_attempt is the delivery log:
-- every attempt of every run (the monthly job's, then re-sends) with its outcome and the receiver's HTTP status.
CREATE TABLE sdg_transfer (
    transfer_id   uuid PRIMARY KEY,
    month         date NOT NULL UNIQUE CHECK (extract(day FROM month) = 1),
    built_at      timestamptz NOT NULL,
    built_by      text NOT NULL,
    due_on        date NOT NULL,
    records       integer NOT NULL CHECK (records >= 0),
    content_hash  text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    payload       text NOT NULL,
    CHECK (encode(sha256(convert_to(payload, 'UTF8')), 'hex') = content_hash)
);

CREATE FUNCTION sdg_transfer_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an SDG transfer is never changed or removed (sdg_transfer is append-only)'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER sdg_transfer_no_update BEFORE UPDATE OR DELETE ON sdg_transfer
    FOR EACH ROW EXECUTE FUNCTION sdg_transfer_immutable();
CREATE TRIGGER sdg_transfer_no_truncate BEFORE TRUNCATE ON sdg_transfer
    FOR EACH STATEMENT EXECUTE FUNCTION sdg_transfer_immutable();

CREATE TABLE sdg_delivery_attempt (
    transfer_id  uuid NOT NULL REFERENCES sdg_transfer,
    run          integer NOT NULL CHECK (run >= 1),
    attempt      integer NOT NULL CHECK (attempt >= 1),
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('delivered', 'retry', 'refused')),
    status_code  integer,
    error        text NOT NULL DEFAULT '',
    PRIMARY KEY (transfer_id, run, attempt)
);

-- Each transfer's state: delivered once any run delivered it, failed when its last run ended without, pending before.
CREATE VIEW sdg_transfer_status AS
SELECT t.transfer_id, t.month, t.records, t.content_hash, t.due_on, t.built_at,
       CASE WHEN bool_or(a.outcome = 'delivered') THEN 'delivered'
            WHEN count(a.transfer_id) = 0 THEN 'pending'
            ELSE 'failed' END AS status,
       min(a.at) FILTER (WHERE a.outcome = 'delivered') AS delivered_at,
       count(a.transfer_id)::int AS attempts, coalesce(max(a.run), 0) AS runs
FROM sdg_transfer t LEFT JOIN sdg_delivery_attempt a ON a.transfer_id = t.transfer_id
GROUP BY t.transfer_id;
