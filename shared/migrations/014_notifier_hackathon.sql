-- What the notifier knows of hackathons, to route a new submission to the unit that posted the challenge.
CREATE TABLE notifier_hackathon_challenge (
    hackathon_id  text NOT NULL,
    challenge_id  text NOT NULL,
    org_unit      text NOT NULL,
    title         text NOT NULL,
    PRIMARY KEY (hackathon_id, challenge_id)
);

CREATE TABLE notifier_hackathon (
    hackathon_id  text PRIMARY KEY,
    title         text NOT NULL
);
