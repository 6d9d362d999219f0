"""The event map is what the code does, and ARCHITECTURE.md shows it as the code defines it.

- Every module that names a topic (``topic_name(FEEDBACK, …)``) is one of that topic's declared producers or the
  module of one of its consumer groups; every declared producer names its topic.
- Every consumer class in the code (a subclass of ``OffsetConsumer`` with a name of its own) is in a consumer
  group of the registry, and every topic has a consumer.
- No service reads another service's tables: only the views their owners publish.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import services.analytics.worker
import services.hackathon.projector
import services.notifier.service
from services.registry import PROJECTIONS, consumer_groups, consumers_by_topic, event_map_markdown
from shared.consumer import OffsetConsumer
from shared.contracts import topics
from shared.contracts.topics import TOPICS, Topic

REPO = Path(__file__).resolve().parents[2]
CONSTANTS = {name: value for name, value in vars(topics).items() if isinstance(value, Topic)}


def topic_references() -> set[tuple[str, str]]:
    """(module, topic name) for every ``topic_name(<TOPIC CONSTANT>, …)`` in services/, shared/, stadtstimme/."""
    found = set()
    for root in ("services", "shared", "stadtstimme"):
        for path in (REPO / root).rglob("*.py"):
            module = ".".join(path.relative_to(REPO).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
                    continue
                first = node.args[0]
                if node.func.id == "topic_name" and isinstance(first, ast.Name) and first.id in CONSTANTS:
                    found.add((module, CONSTANTS[first.id].name))
    return found


def test_every_module_naming_a_topic_is_a_declared_producer_or_a_consumer() -> None:
    references = topic_references()
    consumers = {(g.module, g.topic.name) for g in consumer_groups()}
    declared = {(module, t.name) for t in TOPICS for module in t.producers}
    assert references - consumers - declared == set(), "publishes to a topic that does not name it as a producer"
    assert declared - references == set(), "named as a producer, but does not publish to the topic"


def _subclasses(cls: type) -> set[type]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_subclasses(direct)}}


def test_every_consumer_in_the_code_has_its_group_in_the_registry() -> None:
    assert services.analytics.worker and services.hackathon.projector and services.notifier.service  # imported
    code = {c for c in _subclasses(OffsetConsumer) if "NAME" in vars(c) and c.__module__.startswith("services.")}
    registered = {p.consumer for p in PROJECTIONS} | set(services.notifier.service.CONSUMERS)
    assert code == registered
    groups = [g.name for g in consumer_groups()]
    assert len(groups) == len(set(groups)), "two consumers share a group (and would split its partitions)"
    names = [c.NAME for c in registered]
    assert len(names) == len(set(names)), "two consumers share their stored positions"
    assert all(consumers_by_topic()[t.name] for t in TOPICS)


def test_architecture_md_shows_the_event_map_of_the_code() -> None:
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- event-map:start -->\n(.*?)<!-- event-map:end -->", text, re.S)
    assert block, "ARCHITECTURE.md has no event map block"
    assert block.group(1) == event_map_markdown(), (
        "the map differs from the code: print services.registry.event_map_markdown() into ARCHITECTURE.md"
    )


# What each service owns; the others read only the views in PUBLISHED.
# The org model's tables: analytics' projection writes them, every service reads them (``shared.orgmodel``).
ORG_MODEL = {"org_unit", "site", "site_section", "page"}
OWNED = {
    "analytics": {t for p in PROJECTIONS if p.consumer.__module__.startswith("services.analytics") for t in p.owns}
    - ORG_MODEL,
    "hackathon": {"hackathon_event", "hackathon_budget_event", "hackathon_person", "hackathon_pending_registration"},
    "ingest": {"barrier_contact"},
}
PUBLISHED = {
    "comment_inbox",
    "served_survey",
    "served_survey_version",
    "page_figures",
    "measure_outcome",
    "barrier_contact_address",
} | ORG_MODEL


def test_no_service_reads_another_services_tables() -> None:
    table = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+([a-z_]+)\b")
    for service, tables in OWNED.items():
        for other in ("ingest", "analytics", "hackathon", "notifier"):
            if other == service:
                continue
            for path in (REPO / "services" / other).rglob("*.py"):
                used = set(table.findall(path.read_text(encoding="utf-8"))) & tables
                assert not used, f"{path.relative_to(REPO)} reads {service}'s {sorted(used)}: use a published view"
    assert PUBLISHED.isdisjoint(set().union(*OWNED.values()))
