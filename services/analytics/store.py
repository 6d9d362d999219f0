"""SQL of the analytics read models. The projection is one statement per batch, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from shared import shredding
from shared.contracts.erasure import ResponseTextReplacedV1
from shared.contracts.feedback import BARRIER
from shared.contracts.sealed import SealedText
from shared.shredding import open_texts

_STATS_COLUMNS = (
    "responses, helpful_yes, helpful_no, rating_count, rating_sum, rating_1, rating_2, rating_3, rating_4, rating_5"
)
# Counters of a group of merged response parts (see PROJECT_FEEDBACK): what each part adds to its bucket.
_STATS_ADDED = """count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE add_helpful),
    count(*) FILTER (WHERE NOT add_helpful), count(add_rating), coalesce(sum(add_rating), 0),
    count(*) FILTER (WHERE add_rating = 1), count(*) FILTER (WHERE add_rating = 2),
    count(*) FILTER (WHERE add_rating = 3), count(*) FILTER (WHERE add_rating = 4),
    count(*) FILTER (WHERE add_rating = 5)"""
# The counters summed over a group of satisfaction rows (0 where an outer join found none), for the read side.
SUMS = ", ".join(f"coalesce(sum({c}), 0)::bigint AS {c}" for c in (x.strip() for x in _STATS_COLUMNS.split(",")))
_STATS_ADD = ", ".join(f"{c} = t.{c} + excluded.{c}" for c in (x.strip() for x in _STATS_COLUMNS.split(",")))


def _first(column: str) -> str:
    """The value of ``column`` in the earliest part of a response that has one (``NULL`` if none has)."""
    return (
        f"(array_agg({column} ORDER BY received_at, kafka_partition, kafka_offset) "
        f"FILTER (WHERE {column} IS NOT NULL))[1]"
    )


# The batch, copied in (binary COPY: encoding 18 arrays element by element cost the projector more CPU than
# decoding the events), lives in a temporary table of the connection, emptied at the end of each transaction.
_BATCH_COLUMNS = (
    "event_id", "kafka_partition", "kafka_offset", "received_at", "site_id", "page_url", "org_unit_id", "helpful",
    "rating", "category", "language", "comment", "suggestion", "envelope", "response_id", "flags",
)  # fmt: skip
BATCH_TABLE = """CREATE TEMPORARY TABLE IF NOT EXISTS feedback_batch (
    event_id uuid, kafka_partition integer, kafka_offset bigint, received_at timestamptz, site_id text,
    page_url text COLLATE "C", org_unit_id text, helpful boolean, rating smallint, category text, language text,
    comment text, suggestion text, envelope text, response_id uuid, flags text
) ON COMMIT DELETE ROWS"""

# One statement per batch, in the caller's transaction (data-modifying CTEs all run, referenced or not; all
# of them see the tables as they were before the statement):
# 1. archive the batch's events never seen before (dedupe by event id; the first offset wins);
# 2. group the new unflagged parts that count (not a barrier report on its own) by response: first page, unit and
#    time, first helpful and first rating;
# 3. merge with what the aggregates already hold of those responses: a response counts once, in the bucket of
#    its first counted part, and each answer counts from the first part that gave it;
# 4. add exactly that to pages per hour and per day (page_satisfaction_day, migration 047) and org units per hour
#    and per day, in the city's time zone ($2).
# $1 is the topic.
PROJECT_FEEDBACK = f"""
WITH batch AS (
    SELECT b.event_id, $1::text AS topic, b.kafka_partition, b.kafka_offset, b.received_at, b.site_id,
           b.page_url, b.org_unit_id, b.helpful, b.rating, b.category, b.language, b.comment, b.suggestion,
           b.envelope, b.response_id, string_to_array(b.flags, ',') AS flags
    FROM feedback_batch b
), fresh AS (
    INSERT INTO feedback_event AS t
    SELECT DISTINCT ON (event_id) * FROM batch ORDER BY event_id, kafka_partition, kafka_offset
    ON CONFLICT (event_id) DO NOTHING
    RETURNING response_id, kafka_partition, kafka_offset, received_at, site_id, page_url, org_unit_id, helpful,
              rating, flags, category
), parts AS (
    SELECT response_id, {_first("page_url")} AS page_url, {_first("org_unit_id")} AS org_unit_id,
           {_first("site_id")} AS site_id, min(received_at) AS first_at, {_first("helpful")} AS helpful,
           {_first("rating")} AS rating
    FROM fresh WHERE cardinality(flags) = 0
        -- shared.contracts.feedback.counts_in_figures: a barrier report on its own is not a response
        AND NOT (category IS NOT DISTINCT FROM '{BARRIER}' AND helpful IS NULL AND rating IS NULL)
    GROUP BY response_id
), merged AS (
    SELECT p.response_id, coalesce(r.page_url, p.page_url) AS page_url,
           coalesce(r.org_unit_id, p.org_unit_id) AS org_unit_id, coalesce(r.site_id, p.site_id) AS site_id,
           coalesce(r.first_at, p.first_at) AS first_at, r.response_id IS NULL AS is_new,
           CASE WHEN r.helpful IS NULL THEN p.helpful END AS add_helpful,
           CASE WHEN r.rating IS NULL THEN p.rating END AS add_rating
    FROM parts p LEFT JOIN feedback_response r ON r.response_id = p.response_id
), responses AS (
    INSERT INTO feedback_response AS t (response_id, page_url, org_unit_id, site_id, first_at, helpful, rating)
    SELECT response_id, page_url, org_unit_id, site_id, first_at, add_helpful, add_rating FROM merged
    ON CONFLICT (response_id) DO UPDATE
        SET helpful = coalesce(t.helpful, excluded.helpful), rating = coalesce(t.rating, excluded.rating)
), added AS (
    SELECT * FROM merged WHERE is_new OR add_helpful IS NOT NULL OR add_rating IS NOT NULL
), pages AS (
    INSERT INTO page_satisfaction AS t (page_url, org_unit_id, site_id, bucket_start, {_STATS_COLUMNS})
    SELECT page_url, org_unit_id, min(site_id), date_trunc('hour', first_at, $2), {_STATS_ADDED}
    FROM added GROUP BY page_url, org_unit_id, date_trunc('hour', first_at, $2)
    ON CONFLICT (page_url, org_unit_id, bucket_start) DO UPDATE SET {_STATS_ADD}
), page_days AS (
    INSERT INTO page_satisfaction_day AS t (page_url, org_unit_id, site_id, bucket_start, {_STATS_COLUMNS})
    SELECT page_url, org_unit_id, min(site_id), date_trunc('day', first_at, $2), {_STATS_ADDED}
    FROM added GROUP BY page_url, org_unit_id, date_trunc('day', first_at, $2)
    ON CONFLICT (page_url, org_unit_id, bucket_start) DO UPDATE SET {_STATS_ADD}
)
INSERT INTO org_unit_satisfaction AS t (org_unit_id, granularity, bucket_start, {_STATS_COLUMNS})
SELECT org_unit_id, g.granularity, date_trunc(g.granularity, a.first_at, $2), {_STATS_ADDED}
FROM added a CROSS JOIN (VALUES ('hour'), ('day')) AS g(granularity)
GROUP BY org_unit_id, g.granularity, date_trunc(g.granularity, a.first_at, $2)
ON CONFLICT (granularity, org_unit_id, bucket_start) DO UPDATE SET {_STATS_ADD}
"""


@dataclass(frozen=True)
class FeedbackRow:
    event_id: UUID
    partition: int
    offset: int
    received_at: datetime
    site_id: str
    page_url: str
    org_unit_id: str
    helpful: bool | None
    rating: int | None
    category: str | None
    language: str
    comment: str | SealedText | None  # sealed as it comes from the topic; opened before it is projected
    suggestion: str | SealedText | None
    envelope: str
    response_id: UUID
    flags: str  # comma-separated flag codes; empty when unflagged


async def project_feedback(conn: asyncpg.Connection, topic: str, rows: Sequence[FeedbackRow], timezone: str) -> None:
    """Project a batch: the texts opened with their keys (an erased one is gone, the part still counts), then the
    one statement and the inbox's items. Only the parts that carry text go through ``open_texts`` (most carry
    none): this runs inside the batch's transaction, while the next batch waits."""
    if not rows:
        return
    assert conn.is_in_transaction(), "the batch table empties at the end of each transaction"
    comments = [r.comment for r in rows]
    suggestions = [r.suggestion for r in rows]
    texted = [i for i, r in enumerate(rows) if r.comment is not None or r.suggestion is not None]
    if texted:
        opened = await open_texts(
            conn, [(rows[i].response_id, {"comment": comments[i], "suggestion": suggestions[i]}) for i in texted]
        )
        for i, texts in zip(texted, opened, strict=True):
            comments[i], suggestions[i] = texts["comment"], texts["suggestion"]
    await conn.execute(BATCH_TABLE)
    await conn.copy_records_to_table(
        "feedback_batch",
        columns=_BATCH_COLUMNS,
        records=[
            (r.event_id, r.partition, r.offset, r.received_at, r.site_id, r.page_url, r.org_unit_id, r.helpful,
             r.rating, r.category, r.language, comment, suggestion, r.envelope, r.response_id, r.flags)
            for r, comment, suggestion in zip(rows, comments, suggestions, strict=True)
        ],
    )  # fmt: skip
    await conn.execute(PROJECT_FEEDBACK, topic, timezone)
    # The triage inbox's items: responses of this batch that carry text, and those already in the inbox whose
    # later part may add a rating or category.
    await conn.execute(
        """SELECT refresh_comment_items(ARRAY(
               SELECT DISTINCT response_id FROM feedback_batch WHERE comment IS NOT NULL OR suggestion IS NOT NULL
               UNION SELECT response_id FROM comment_item
                     WHERE response_id IN (SELECT response_id FROM feedback_batch)))"""
    )


@dataclass(frozen=True)
class ErasureRow:
    event_id: UUID
    response_id: UUID
    kind: str
    reason: str  # citizen, staff, retention; "replaced" for an edited version (``replacement``)
    erased_at: datetime
    envelope: str
    replacement: ResponseTextReplacedV1 | None = None


async def apply_erasures(conn: asyncpg.Connection, rows: Sequence[ErasureRow]) -> None:
    """Drop the plain copies of erased texts (their keys are normally gone already): the feedback parts' comments and
    suggestions, the inbox item (it was there for its text), and survey answers to text questions (the answer
    still counts as given); put staff's edited versions in the place of the texts they replace. Archived, so that
    a broker that lost its log is refilled with them."""
    if not rows:
        return
    await conn.executemany(
        """INSERT INTO erasure_event (event_id, response_id, kind, reason, erased_at, envelope)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""",
        [(r.event_id, r.response_id, r.kind, r.reason, r.erased_at, r.envelope) for r in rows],
    )
    # The keys too, where they are still there: after a database backup was restored, the erasures since then
    # come again from the topic and erase again what the backup brought back.
    erased = [r for r in rows if r.replacement is None]
    for r in erased:
        await shredding.erase(conn, r.response_id, r.reason)  # type: ignore[arg-type]
    lost = await _replace_texts(conn, [r.replacement for r in rows if r.replacement is not None])
    feedback = [r.response_id for r in erased if r.kind == "feedback"] + lost
    surveys = [r.response_id for r in erased if r.kind == "survey"]
    if feedback:
        await conn.execute(
            """UPDATE feedback_event SET comment = NULL, suggestion = NULL
               WHERE response_id = ANY($1::uuid[]) AND (comment IS NOT NULL OR suggestion IS NOT NULL)""",
            feedback,
        )
        await conn.execute("DELETE FROM comment_item WHERE response_id = ANY($1::uuid[])", feedback)
    if surveys:
        await conn.execute(
            """UPDATE survey_answer a SET value = 'null'::jsonb FROM survey_version v
               WHERE a.response_id = ANY($1::uuid[]) AND v.survey_id = a.survey_id AND v.version = a.survey_version
                 AND EXISTS (SELECT 1 FROM jsonb_array_elements(v.definition -> 'questions') q
                             WHERE q ->> 'id' = a.question_id AND q ->> 'type' = 'text')""",
            surveys,
        )


async def _replace_texts(conn: asyncpg.Connection, events: Sequence[ResponseTextReplacedV1]) -> list[UUID]:
    """Staff's edited versions in the place of the texts they replace: the first part of the response carries
    them, the others none, and the inbox item is made anew. An edited version replaced again later is skipped
    (the later one sets the text). The responses whose edited version cannot be opened (their key erased since,
    or older than the event's: a database backup was restored, and its key is erased now too) are returned: their
    texts go like erased ones."""
    lost = []
    for event in events:
        response = event.response_id
        # FOR UPDATE: a replacement still being committed holds the row; this waits for it and reads the new key
        # (without waiting it would see the old generation and take the new key for one from a restored backup).
        key = await conn.fetchrow("SELECT generation, secret FROM data_key WHERE key_id = $1 FOR UPDATE", response)
        if key is not None and key["generation"] < event.key_generation:
            await shredding.erase(conn, response, "staff")
            key = None
        if key is None:
            lost.append(response)
            continue
        if key["generation"] > event.key_generation:
            continue
        secret = bytes(key["secret"])
        comment, suggestion = (None if t is None else shredding.unseal(secret, t, f)
                               for f, t in (("comment", event.comment), ("suggestion", event.suggestion)))  # fmt: skip
        await conn.execute(
            """UPDATE feedback_event SET comment = NULL, suggestion = NULL
               WHERE response_id = $1 AND (comment IS NOT NULL OR suggestion IS NOT NULL)""",
            response,
        )
        await conn.execute(
            """UPDATE feedback_event SET comment = $2, suggestion = $3
               WHERE event_id = (SELECT event_id FROM feedback_event WHERE response_id = $1
                                 ORDER BY received_at, kafka_partition, kafka_offset LIMIT 1)""",
            response,
            comment,
            suggestion,
        )
        await conn.execute("DELETE FROM comment_item WHERE response_id = $1", response)
        await conn.execute("SELECT refresh_comment_items($1::uuid[])", [response])
    return lost
