-- Organisation model: units (departments, Eigenbetriebe), their sites (web origins) and known pages.
CREATE TABLE org_unit (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('department', 'eigenbetrieb', 'city')),
    parent_id   text REFERENCES org_unit (id)
);

CREATE TABLE site (
    id           text PRIMARY KEY,
    name         text NOT NULL,
    org_unit_id  text NOT NULL REFERENCES org_unit (id),
    origins      text[] NOT NULL CHECK (cardinality(origins) > 0)
);

-- Parts of a site owned by another unit than the site's (e.g. /buergeramt/ on the city portal).
CREATE TABLE site_section (
    site_id      text NOT NULL REFERENCES site (id) ON DELETE CASCADE,
    path_prefix  text NOT NULL CHECK (path_prefix LIKE '/%'),
    org_unit_id  text NOT NULL REFERENCES org_unit (id),
    PRIMARY KEY (site_id, path_prefix)
);

-- URLs compare byte-wise (COLLATE "C"): prefix filters (LIKE 'https://x.de/abfall%') then use the indexes.
CREATE TABLE page (
    url      text COLLATE "C" PRIMARY KEY,
    site_id  text NOT NULL REFERENCES site (id) ON DELETE CASCADE,
    title    text NOT NULL DEFAULT ''
);

-- Every distinct FeedbackSubmitted event the projector has seen: the dedupe set for effectively-once
-- aggregation, and an archive that can be replayed into an empty broker (Tansu keeps messages in memory only).
CREATE TABLE feedback_event (
    event_id     uuid PRIMARY KEY,
    topic        text NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset bigint NOT NULL,
    received_at  timestamptz NOT NULL,
    site_id      text NOT NULL,
    page_url     text COLLATE "C" NOT NULL,
    org_unit_id  text NOT NULL,
    helpful      boolean,
    rating       smallint CHECK (rating BETWEEN 1 AND 5),
    category     text,
    language     text NOT NULL,
    comment      text,
    suggestion   text,
    envelope     jsonb NOT NULL
);

-- Read models: satisfaction per page and per org unit, per hour and per day (day in the city's time zone).
CREATE TABLE page_satisfaction (
    page_url      text COLLATE "C" NOT NULL,
    org_unit_id   text NOT NULL,
    site_id       text NOT NULL,
    granularity   text NOT NULL CHECK (granularity IN ('hour', 'day')),
    bucket_start  timestamptz NOT NULL,
    responses     integer NOT NULL,
    helpful_yes   integer NOT NULL,
    helpful_no    integer NOT NULL,
    rating_count  integer NOT NULL,
    rating_sum    integer NOT NULL,
    rating_1      integer NOT NULL,
    rating_2      integer NOT NULL,
    rating_3      integer NOT NULL,
    rating_4      integer NOT NULL,
    rating_5      integer NOT NULL,
    PRIMARY KEY (granularity, page_url, org_unit_id, bucket_start)
);
CREATE INDEX page_satisfaction_unit ON page_satisfaction (granularity, org_unit_id, bucket_start);

CREATE TABLE org_unit_satisfaction (
    org_unit_id   text NOT NULL,
    granularity   text NOT NULL CHECK (granularity IN ('hour', 'day')),
    bucket_start  timestamptz NOT NULL,
    responses     integer NOT NULL,
    helpful_yes   integer NOT NULL,
    helpful_no    integer NOT NULL,
    rating_count  integer NOT NULL,
    rating_sum    integer NOT NULL,
    rating_1      integer NOT NULL,
    rating_2      integer NOT NULL,
    rating_3      integer NOT NULL,
    rating_4      integer NOT NULL,
    rating_5      integer NOT NULL,
    PRIMARY KEY (granularity, org_unit_id, bucket_start)
);

-- Consumer positions stored in the same transaction as the rows they produced ("offsets outside Kafka").
CREATE TABLE consumer_offset (
    consumer     text NOT NULL,
    topic        text NOT NULL,
    kafka_partition integer NOT NULL,
    next_offset  bigint NOT NULL,
    PRIMARY KEY (consumer, topic, kafka_partition)
);

-- Records a consumer could not decode: kept for staff to inspect, never silently dropped.
CREATE TABLE dead_letter (
    id           bigserial PRIMARY KEY,
    consumer     text NOT NULL,
    topic        text NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset bigint NOT NULL,
    error        text NOT NULL,
    payload      bytea NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (consumer, topic, kafka_partition, kafka_offset)
);
