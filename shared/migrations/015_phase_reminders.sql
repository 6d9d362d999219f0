-- Reminders: a hackathon phase whose planned start has passed while staff have not moved on yet.
ALTER TABLE notification_followup DROP CONSTRAINT notification_followup_kind_check;
ALTER TABLE notification_followup ADD CONSTRAINT notification_followup_kind_check
    CHECK (kind IN ('repeat', 'escalate', 'reminder'));
