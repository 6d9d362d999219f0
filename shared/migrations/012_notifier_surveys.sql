-- What the notifier knows of surveys, to say when one reaches its quota: each survey's owner, title and quota
-- (of its latest version), and the responses counted so far (a response counts once, with its first answer).
CREATE TABLE notifier_survey (
    survey_id  text PRIMARY KEY,
    version    integer NOT NULL,
    org_unit   text NOT NULL,
    title      text NOT NULL,
    quota      integer
);

CREATE TABLE notifier_survey_response (
    survey_id    text NOT NULL,
    response_id  uuid NOT NULL,
    PRIMARY KEY (survey_id, response_id)
);
