"""Analytics: builds satisfaction aggregates per page and org unit from the feedback events and serves them."""
