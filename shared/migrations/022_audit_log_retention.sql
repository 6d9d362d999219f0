-- The audit log stays append-only, but its entries have a retention period (shared/retention.py): a row may be
-- deleted only when it is older than the moment the retention job names for its own transaction
-- (SET LOCAL stadtstimme.audit_expire_before); updates, truncation and any other delete are still refused.
DROP TRIGGER audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE FUNCTION audit_log_expire_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.at < nullif(current_setting('stadtstimme.audit_expire_before', true), '')::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only; an entry goes only when its retention period has run out';
END $$;
CREATE TRIGGER audit_log_expire_only BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_expire_only();
