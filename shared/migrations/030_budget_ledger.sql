-- A year's money (issue 18): besides the hackathon budget, the year's expenses (hackathons and feedback programme),
-- their cancelling entries and the feedback programme's budget, all keyed budget-<year> on the hackathon topic and
-- numbered in one sequence per year. The table that held the budget changes holds them all; the amount is the
-- budget's for budget-set events (kept for the few queries on it), NULL for the others, which are folded from
-- their envelopes.
ALTER TABLE hackathon_budget_event
    ADD COLUMN event_type text NOT NULL DEFAULT 'de.stadtstimme.hackathon.budget-set',
    ALTER COLUMN amount_cents DROP NOT NULL;
ALTER TABLE hackathon_budget_event ALTER COLUMN event_type DROP DEFAULT;
