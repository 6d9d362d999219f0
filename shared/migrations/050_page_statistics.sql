-- The planner's estimate of how many pages a range of page aggregates holds (issue 20, bench/reads.py): it took
-- page_url and org_unit_id as independent and expected ~23,000 groups where 2,000 pages have rows, so the metrics
-- API's /pages sorted a month's 28,000 day rows to group them instead of hashing them (38 ms -> 16 ms for the
-- totals at 4 million events). Extended statistics tell it that a page's URL nearly decides its unit. ANALYZE
-- takes a sample (a few hundred milliseconds at that size) and does not block writes.
CREATE STATISTICS IF NOT EXISTS page_satisfaction_day_pages (ndistinct) ON page_url, org_unit_id
    FROM page_satisfaction_day;
CREATE STATISTICS IF NOT EXISTS page_satisfaction_pages (ndistinct) ON page_url, org_unit_id FROM page_satisfaction;
ANALYZE page_satisfaction_day, page_satisfaction;
