-- Staff accounts have a lifecycle too: when an account is disabled (by the console or the command line) a trigger
-- records the moment, and the retention job erases the account's personal data (display name, e-mail address,
-- password hash, OpenID Connect binding) once it has been disabled longer than its period. The username stays:
-- the audit log names it for as long as its own period keeps the entries. Re-enabling clears both moments.
ALTER TABLE staff_account ADD COLUMN disabled_at timestamptz;
ALTER TABLE staff_account ADD COLUMN erased_at timestamptz;
UPDATE staff_account SET disabled_at = now() WHERE disabled;
ALTER TABLE staff_account ADD CONSTRAINT staff_account_disabled_at CHECK (disabled = (disabled_at IS NOT NULL));
ALTER TABLE staff_account ADD CONSTRAINT staff_account_erased_when_disabled CHECK (erased_at IS NULL OR disabled);

CREATE FUNCTION staff_account_disabled_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.disabled AND (TG_OP = 'INSERT' OR NOT OLD.disabled) THEN
        NEW.disabled_at := now();
    ELSIF NOT NEW.disabled THEN
        NEW.disabled_at := NULL;
        NEW.erased_at := NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER staff_account_disabled_at BEFORE INSERT OR UPDATE OF disabled ON staff_account
    FOR EACH ROW EXECUTE FUNCTION staff_account_disabled_at();
CREATE INDEX staff_account_disabled ON staff_account (disabled_at) WHERE disabled AND erased_at IS NULL;
