-- Two more roles (issue 18): the Digital Innovation Hub's ``organiser`` (runs hackathons, reads aggregate figures,
-- never a citizen's text) and the read-only ``pr_team`` (every unit's figures, reports, comments and surveys).
ALTER TABLE staff_account DROP CONSTRAINT staff_account_role_check;
ALTER TABLE staff_account ADD CONSTRAINT staff_account_role_check
    CHECK (role IN ('administrator', 'analyst', 'unit_staff', 'organiser', 'pr_team'));
