"""Settings for every service, read from environment variables prefixed ``STADTSTIMME_``.

Each field's description is the documentation of the variable; ``stadtstimme settings`` prints them all.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STADTSTIMME_", extra="ignore")

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated host:port."
    )
    kafka_idempotence: Literal["auto", "on", "off"] = Field(
        "auto",
        description=(
            "Idempotent producer: 'on' requires it, 'off' never uses it (Tansu rejects it), "
            "'auto' tries it and falls back to acks=all without idempotence."
        ),
    )
    kafka_send_timeout_s: float = Field(
        5.0, description="How long ingest waits for the broker's acknowledgement before answering 503."
    )
    kafka_linger_ms: int = Field(2, description="Producer linger: small batches under load, ~no delay idle.")
    topic_prefix: str = Field(
        "", description="Prefix for every topic name (namespaces several installations on one cluster)."
    )
    topic_partitions: int = Field(6, description="Partitions for topics created by `stadtstimme topics create`.")
    topic_replication_factor: int = Field(1, description="Replication factor for created topics (3 in production).")
    topic_min_insync_replicas: int = Field(
        1,
        ge=1,
        description="min.insync.replicas of created topics (2 in production with replication factor 3): with acks=all "
        "an event is acknowledged only when this many replicas have it.",
    )
    consumer_session_timeout_ms: int = Field(
        10_000,
        ge=1000,
        description="How long a consumer instance may be silent before its group gives its partitions to the others "
        "(the longest pause after an instance dies).",
    )
    consumer_max_poll_interval_ms: int = Field(
        300_000,
        ge=10_000,
        description="Longest time between two fetches of a consumer instance before it leaves its group.",
    )

    database_url: str = Field(
        "postgresql://stadtstimme@127.0.0.1:5432/stadtstimme",
        description="PostgreSQL connection URI (asyncpg/libpq syntax).",
    )
    database_pool_size: int = Field(10, description="Connections per service process.")

    timezone: str = Field("Europe/Berlin", description="Time zone of day buckets in the read models.")
    metrics_token: SecretStr = Field(
        SecretStr(""),
        description="A bearer token that reads figures only (the metrics API and open data), for deployments that "
        "configure it here; kept as a hash. Prefer `stadtstimme tokens create` (scoped, revocable). Empty: none.",
    )
    public_base_url: str = Field("http://127.0.0.1:8080", description="Base URL the services are reached at.")
    http_host: str = Field("127.0.0.1", description="Address the HTTP server binds.")
    http_port: int = Field(8080, description="Port the HTTP server binds.")
    org_refresh_s: float = Field(
        30.0,
        description="How often ingest re-reads sites and org units in any case; a change it notices sooner (checked "
        "every survey_refresh_s).",
    )
    survey_refresh_s: float = Field(
        5.0, gt=0, description="How often ingest re-reads the surveys (status, versions, responses for quotas)."
    )
    survey_grace_s: int = Field(
        3600,
        ge=0,
        description="How long a paused, closed or ended survey still takes answers of citizens who had started it.",
    )
    survey_cache_s: int = Field(
        60, ge=0, description="How long browsers may cache a site's survey definitions (Cache-Control max-age)."
    )
    rate_limit_per_minute: float = Field(
        10.0, description="Accepted submissions per minute per client (IPv4 address or IPv6 /64), after the burst."
    )
    rate_limit_burst: int = Field(
        30, description="Submissions a client may send at once (many citizens can share one address)."
    )
    flood_per_minute: int = Field(
        30_000, description="Accepted submissions per minute for the whole installation before the breaker opens."
    )
    flood_cooldown_s: float = Field(30.0, description="How long the open breaker answers 503 + Retry-After.")
    limits_sync_s: float = Field(
        1.0,
        gt=0,
        le=10,
        description="How often each HTTP instance tells PostgreSQL it is alive (the per-client quotas are shared out "
        "between the live instances of a service) and shares the flood breaker's count with the other instances.",
    )
    pow_required: bool = Field(
        False, description="Require a proof of work (ALTCHA format) with every submission: switch on under attack."
    )
    pow_max_number: int = Field(100_000, description="Proof-of-work difficulty: numbers a browser tries, at most.")
    pow_hmac_key: SecretStr = Field(
        SecretStr(""),
        description="Key signing proof-of-work challenges; empty: a key made once in PostgreSQL, shared by every "
        "instance.",
    )
    session_ttl_hours: float = Field(8.0, description="How long a staff session lasts after sign-in.")
    session_idle_minutes: float = Field(
        30.0,
        gt=0,
        description="A staff session unused for this long is over, besides session_ttl_hours (keep the identity "
        "provider's SSO idle timeout no longer, or its session signs the next person at that computer in).",
    )
    oidc_issuer: str = Field(
        "", description="OpenID Connect issuer URL of the city's identity provider (e.g. a Keycloak realm); empty: off."
    )
    oidc_client_id: str = Field("stadtstimme", description="Client id of the console at the identity provider.")
    oidc_client_secret: SecretStr = Field(SecretStr(""), description="Client secret (confidential client).")
    oidc_scopes: str = Field("openid profile email", description="Scopes requested at sign-in.")
    oidc_username_claim: str = Field("preferred_username", description="ID token claim naming the staff account.")
    oidc_roles_claim: str = Field(
        "",
        description="ID token claim with roles or groups (stadtstimme-administrator, stadtstimme-analyst, "
        "stadtstimme-pr-team, stadtstimme-organiser, stadtstimme-unit-<id>); set: accounts follow it at every "
        "sign-in; empty: accounts must exist.",
    )
    widget_dist: str = Field(
        "", description="Directory holding the built widget (stadtstimme.js); empty: widget/dist of the source tree."
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies whose X-Forwarded-For is trusted for the client address (comma-separated, '*' all).",
    )
    alert_interval_s: float = Field(
        300.0, gt=0, description="How often analytics evaluates the negative-burst rule (satisfaction alerts)."
    )
    alert_share_margin: float = Field(
        0.25, gt=0, le=1, description="Alert when the 'not helpful' share is this much above the baseline's."
    )
    alert_rating_margin: float = Field(1.0, gt=0, le=4, description="Alert when the mean rating is this much lower.")
    alert_min_count: int = Field(5, ge=1, description="Answers of a kind in the last hour before it is judged.")
    barrier_response_days: int = Field(
        42, ge=1, le=365, description="Days the city gives itself to answer a barrier report (default six weeks)."
    )
    barrier_reminder_days: int = Field(
        7, ge=0, le=365, description="Days before a barrier report's deadline the accessibility officer is reminded."
    )
    notifier_config: str = Field("notifier.yaml", description="Routing and receivers of the notifier (YAML).")
    notifier_poll_s: float = Field(1.0, description="How often the notifier looks for due deliveries.")
    notifier_send_timeout_s: float = Field(10.0, description="Timeout of one delivery attempt over HTTP.")
    notifier_lease_s: float = Field(60.0, description="A delivery being sent is retried after this if unfinished.")
    notifier_max_attempts: int = Field(8, description="Attempts per delivery before it becomes a dead letter.")
    notifier_backoff_s: float = Field(5.0, description="First retry delay; doubles per attempt, up to an hour.")
    smtp_host: str = Field("", description="Mail server for e-mail receivers; empty: e-mail receivers fail.")
    smtp_port: int = Field(587, description="Mail server port (587: submission with STARTTLS).")
    smtp_username: str = Field("", description="Mail server login; empty: no authentication.")
    smtp_password: SecretStr = Field(SecretStr(""), description="Mail server password.")
    smtp_starttls: bool = Field(True, description="Use STARTTLS (refuse to send in clear text over the network).")
    smtp_sender: str = Field("Stadtstimme <noreply@musterstadt.de>", description="From address of notifications.")
    hackathon_link_days: int = Field(
        30,
        ge=1,
        le=365,
        description="How long a hackathon participant's personal link (and sign-in cookie) signs in from its issue; "
        "never beyond the hackathon's planned archive date. A new one comes by mail (the lost-link page).",
    )
    hackathon_signups_per_client: int = Field(
        5,
        ge=1,
        description="Hackathon registrations and lost-link requests per client (IPv4 address or IPv6 /64) within 10 "
        "minutes, pages and API together; beyond that 429 + Retry-After. Raise it for a class registering together "
        "from one school network.",
    )
    projector_batch_size: int = Field(5000, description="Maximum events the projector writes per transaction.")
    redaction_keep_names: str = Field(
        "",
        description="Staff names, comma-separated full names (e.g. 'Petra Schulz, Jan Meier'), that redaction keeps "
        "in citizens' comments and suggestions when the city wants its staff named; empty: every name goes.",
    )

    @property
    def keep_names(self) -> frozenset[str]:
        """``redaction_keep_names`` as redaction takes them."""
        return frozenset(n.strip() for n in self.redaction_keep_names.split(",") if n.strip())

    retention_free_text_days: int = Field(
        730, ge=1, description="Days citizens' free text (comments, suggestions, survey text) is kept; then erased."
    )
    retention_triage_notes_days: int = Field(730, ge=1, description="Days staff's notes on comments are kept.")
    retention_audit_days: int = Field(730, ge=30, description="Days audit log entries are kept.")
    retention_hackathon_days: int = Field(
        365, ge=1, description="Days after a hackathon ended that its participants' personal data is kept."
    )
    retention_delivery_log_days: int = Field(
        90, ge=1, description="Days staff notifications and their delivery log are kept."
    )
    retention_staff_accounts_days: int = Field(
        180, ge=1, description="Days a disabled staff account keeps its name, e-mail address and sign-in binding."
    )
    retention_interval_s: float = Field(
        3600.0, gt=0, description="How often the projector worker enforces the retention periods."
    )
    matomo_url: str = Field(
        "",
        description="Base URL of the city's Matomo (e.g. https://statistik.musterstadt.de/) for the scheduled import "
        "of page views (Actions.getPageUrls); empty: no scheduled import.",
    )
    matomo_token: SecretStr = Field(
        SecretStr(""), description="Matomo token_auth with view access to the sites (sent as POST, never logged)."
    )
    matomo_sites: str = Field(
        "",
        description="Which Matomo site is which site of Stadtstimme: 'Matomo id=site id', comma-separated, e.g. "
        "'1=portal,3=abfall'.",
    )
    matomo_interval_s: float = Field(
        3600.0, gt=0, description="How often the projector worker imports the page views of the days not yet imported."
    )
    matomo_backfill_days: int = Field(
        30, ge=1, le=366, description="Days back the first scheduled import fetches (later runs go on from there)."
    )
    matomo_settle_hours: float = Field(
        3.0, ge=0, le=48, description="Hours after a day's end before it is fetched (Matomo's archiving catches up)."
    )
    matomo_timeout_s: float = Field(30.0, gt=0, description="Timeout of one request to Matomo.")
    matomo_attempts: int = Field(3, ge=1, le=10, description="Attempts per request when Matomo is unreachable.")
    matomo_retry_s: float = Field(5.0, ge=0, description="First wait before another attempt; doubles per attempt.")
    sdg_upload_url: str = Field(
        "",
        description="HTTPS endpoint of the NFK upload interface that takes the monthly SDG transfer (JSON, POST); "
        "empty: no monthly transfer.",
    )
    sdg_upload_token: SecretStr = Field(
        SecretStr(""), description="Bearer token for the NFK upload interface (never logged, never stored)."
    )
    sdg_upload_timeout_s: float = Field(60.0, gt=0, description="Timeout of one upload attempt.")
    sdg_upload_attempts: int = Field(5, ge=1, le=20, description="Attempts per delivery run before it has failed.")
    sdg_upload_retry_s: float = Field(
        60.0, ge=0, description="First wait before another upload attempt; doubles per attempt (at most an hour)."
    )
    sdg_survey_url: str = Field(
        "",
        pattern=r"^(https://\S+)?$",
        description="Address of the detailed survey of the EU's common user feedback tool: the widget links it after "
        "an answer on SDG pages (docs/sdg-nfk.md); empty: no link, and ingest warns at start.",
    )
    log_level: str = Field("INFO", description="Python log level.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
