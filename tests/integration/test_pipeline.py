"""End to end through HTTP, Kafka and PostgreSQL: the read models equal totals computed here, independently,
after duplicates, a killed projector and a broker restart; and a replay rebuilds the same numbers."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.integration.system import System, org_events

UNITS_BY_PAGE = {
    ("portal", "https://www.musterstadt.de/buergeramt/personalausweis"): "buergeramt",
    ("portal", "https://www.musterstadt.de/ordnung/parken"): "ordnungsamt",
    ("portal", "https://www.musterstadt.de/"): "stadtverwaltung",
    ("stadtwerke", "https://www.stadtwerke-musterstadt.de/strom/tarife"): "stadtwerke",
    ("abfall", "https://abfall.musterstadt.de/abfallkalender"): "abfallwirtschaft",
    ("baeder", "https://www.baeder-musterstadt.de/freibad"): "baeder",
    ("entwaesserung", "https://www.stadtentwaesserung-musterstadt.de/starkregen"): "stadtentwaesserung",
}


def make_events(rng: random.Random, count: int) -> list[dict[str, Any]]:
    events = []
    for _ in range(count):
        (site, base), _unit = rng.choice(list(UNITS_BY_PAGE.items()))
        page = base if rng.random() < 0.6 else f"{base.rstrip('/')}/unterseite-{rng.randint(1, 15)}"
        body: dict[str, Any] = {"event_id": str(uuid.uuid4()), "site": site, "page_url": page}
        kind = rng.random()
        if kind < 0.4:
            body["helpful"] = rng.random() < 0.7
        elif kind < 0.7:
            body["rating"] = rng.randint(1, 5)
        else:
            body["helpful"] = rng.random() < 0.5
            body["rating"] = rng.randint(1, 5)
        if rng.random() < 0.2:
            body["comment"] = "Die Seite war unklar."
        events.append(body)
    return events


def unit_of(body: dict[str, Any]) -> str:
    for (site, base), unit in UNITS_BY_PAGE.items():
        if body["site"] == site and (body["page_url"] == base or body["page_url"].startswith(base.rstrip("/") + "/")):
            return unit
    raise AssertionError(body)


def expected_totals(events: list[dict[str, Any]], key: Any) -> dict[str, Counter[str]]:
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for e in events:
        t = totals[key(e)]
        t["responses"] += 1
        if e.get("helpful") is True:
            t["helpful_yes"] += 1
        if e.get("helpful") is False:
            t["helpful_no"] += 1
        if "rating" in e:
            t["rating_count"] += 1
            t["rating_sum"] += e["rating"]
            t[f"rating_{e['rating']}"] += 1
    return totals


async def post_all(client: httpx.AsyncClient, events: list[dict[str, Any]], concurrency: int = 24) -> None:
    """Post every event until it is accepted, retrying 503s and broken connections like the widget does."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for e in events:
        queue.put_nowait(e)

    async def worker() -> None:
        while not queue.empty():
            body = queue.get_nowait()
            for _attempt in range(120):
                try:
                    response = await client.post("/api/v1/feedback", json=body)
                except httpx.TransportError:
                    await asyncio.sleep(0.5)
                    continue
                if response.status_code == 202:
                    answer = response.json()
                    assert answer["event_id"] == body["event_id"]
                    # A response with free text gets its deletion code; one with figures only has nothing to erase.
                    assert ("deletion_code" in answer) == ("comment" in body), answer
                    break
                assert response.status_code == 503, response.text
                assert response.headers["Retry-After"]
                await asyncio.sleep(0.5)
            else:
                raise AssertionError(f"never accepted: {body}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def read_model_totals(items: list[dict[str, Any]], key: str) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    for item in items:
        t = item["totals"]
        counter: Counter[str] = Counter(
            {k: t[k] for k in ("responses", "helpful_yes", "helpful_no", "rating_count", "rating_sum")}
        )
        counter.update({f"rating_{k}": v for k, v in t["rating_distribution"].items()})
        out[item[key]] = +counter  # drop zeros, like the expected counters
    return out


async def assert_read_models_exact(system: System, distinct: list[dict[str, Any]]) -> None:
    window = {
        "from": (datetime.now(UTC) - timedelta(days=2)).isoformat(),
        "to": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
    }
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.auth, timeout=30) as client:
        for granularity in ("hour", "day"):
            pages = await client.get(
                "/api/v1/metrics/pages", params={**window, "granularity": granularity, "limit": 1000}
            )
            assert pages.status_code == 200, pages.text
            assert read_model_totals(pages.json()["items"], "page_url") == expected_totals(
                distinct, lambda e: e["page_url"]
            )
            units = await client.get("/api/v1/metrics/org-units", params={**window, "granularity": granularity})
            assert units.status_code == 200, units.text
            assert read_model_totals(units.json()["items"], "org_unit") == expected_totals(distinct, unit_of)
        # Same numbers when the unit figures are summed from page buckets (site filter path).
        portal = await client.get("/api/v1/metrics/org-units", params={**window, "site": "portal"})
        portal_events = [e for e in distinct if e["site"] == "portal"]
        assert read_model_totals(portal.json()["items"], "org_unit") == expected_totals(portal_events, unit_of)


async def test_read_models_stay_exact_through_duplicates_crashes_and_broker_restart(
    system: System, broker: Any
) -> None:
    rng = random.Random(2026)
    first, second = make_events(rng, 1500), make_events(rng, 1500)
    duplicates_first = rng.sample(first, 150)
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        # Phase 1 with duplicates; the projector is killed mid-stream and restarted.
        posting = asyncio.create_task(post_all(client, first + duplicates_first))
        await system.wait_projected(300, poll=0.05)
        system.kill("projector")
        await posting
        system.start_projector()
        await system.wait_projected(len(first))

        # The broker restarts. Apache Kafka keeps its log, so services stay up through it. Tansu keeps messages
        # in memory only: like `make run`, the system drains, stops, and refills the new broker from the archive.
        if broker.kind == "tansu":
            system.stop("web")
            system.stop("projector")
            broker.restart()
            restored = system.cli("archive", "restore", timeout=300)
            assert restored.returncode == 0, restored.stderr
            assert f"restored {len(first) + await org_events(system.settings)} events" in restored.stdout
            system.start_projector()
            system.start_web()
        else:
            broker.restart()

        # Phase 2: new events and duplicates of phase-1 events, the projector killed once more.
        duplicates_again = rng.sample(first, 100) + rng.sample(second, 100)
        posting = asyncio.create_task(post_all(client, second + duplicates_again))
        await system.wait_projected(len(first) + 400, poll=0.05)
        system.kill("projector")
        await asyncio.sleep(0.5)
        system.start_projector()
        await posting
    distinct = first + second
    await system.wait_projected(len(distinct))
    await asyncio.sleep(1.0)  # duplicates still in flight must not change anything
    assert await system.projected_count() == len(distinct)
    await assert_read_models_exact(system, distinct)

    # Replay: rebuild every read model from the topic and end with the same numbers.
    system.stop("projector")
    replayed = system.cli("replay", timeout=300)
    assert replayed.returncode == 0, replayed.stderr
    assert await system.projected_count() == len(distinct)
    await assert_read_models_exact(system, distinct)
