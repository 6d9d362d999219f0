"""Rate limit and flood breaker of ingest, driven by a fake clock; their shares across instances. (Their shared
state in PostgreSQL, with real instances: tests/integration/test_ingest_replicas.py.)"""

from __future__ import annotations

import random
from datetime import date

import pytest

from shared.abuse import FloodBreaker, RateLimiter, Replicas, client_network


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.day = date(2026, 11, 27)

    def __call__(self) -> float:
        return self.now


def test_ipv6_clients_are_their_64_prefix_and_mapped_ipv4_is_ipv4() -> None:
    assert client_network("2001:db8:1:2:aaaa::1") == client_network("2001:db8:1:2:ffff::9")
    assert client_network("2001:db8:1:2::1") != client_network("2001:db8:1:3::1")
    assert client_network("::ffff:192.0.2.7") == client_network("192.0.2.7")


def test_burst_then_refill_and_only_accepted_submissions_count() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=3, clock=clock, today=lambda: clock.day)
    key = limiter.key("192.0.2.7")
    for _ in range(3):
        assert limiter.retry_after(key) == 0
        limiter.charge(key)
    assert limiter.retry_after(key) == 10.0  # one token per 10 s
    for _ in range(5):  # checking (as for rejected input) uses up nothing
        assert limiter.retry_after(key) > 0
    clock.now += 10
    assert limiter.retry_after(key) == 0
    other = limiter.key("192.0.2.8")
    assert other != key and limiter.retry_after(other) == 0


def test_keys_are_keyed_hashes_that_change_every_day_with_fresh_counters() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=1, burst=1, clock=clock, today=lambda: clock.day)
    key = limiter.key("203.0.113.5")
    assert b"\xcb\x00q\x05" not in key  # the packed address is not in it
    limiter.charge(key)
    assert limiter.retry_after(key) > 0
    clock.day = date(2026, 11, 28)
    new_key = limiter.key("203.0.113.5")
    assert new_key != key and limiter.retry_after(new_key) == 0
    other_instance = RateLimiter(per_minute=1, burst=1, clock=clock, today=lambda: clock.day)
    assert other_instance.key("203.0.113.5") != new_key  # the secret is random per process, never stored


def test_flood_breaker_opens_above_the_rate_and_closes_after_cooldown() -> None:
    clock = Clock()
    breaker = FloodBreaker(per_minute=100, cooldown_s=30, clock=clock)
    for _ in range(100):
        assert breaker.retry_after() == 0
        breaker.charge()
    breaker.charge()
    assert breaker.retry_after() == 30
    clock.now += 30
    assert breaker.retry_after() == 0


def test_each_of_n_instances_gives_a_client_its_share() -> None:
    clock = Clock()
    n = 2
    limiter = RateLimiter(per_minute=6, burst=4, clock=clock, today=lambda: clock.day, replicas=lambda: n)
    key = limiter.key("192.0.2.7")
    assert limiter.share() == (2, 3)
    for _ in range(2):
        assert limiter.retry_after(key) == 0
        limiter.charge(key)
    assert limiter.retry_after(key) == 20.0  # its share refills at 3 a minute
    n = 1  # the other instance is gone: the share grows, refilling from where it is
    assert limiter.retry_after(key) == 10.0
    clock.now += 30  # three more at 6 a minute
    for _ in range(3):
        limiter.charge(key)
    n = 4  # two more instances: the share shrinks at once, so that the four together still give no more
    assert limiter.share() == (1, 1.5)
    assert limiter.retry_after(key) == 40.0
    limiter.refund(key)
    limiter.refund(key)
    assert limiter.retry_after(key) == 0 and limiter._bucket(key)[0].tokens == 1  # a refund fills the share only
    assert limiter.take(key) == 0  # checked and charged in one step, as ingest admits
    assert limiter.take(key) == 40.0 and limiter.retry_after(key) == 40.0  # refused: nothing charged


def test_a_quota_smaller_than_the_instances_still_admits_one_per_instance() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=1, burst=2, clock=clock, today=lambda: clock.day, replicas=lambda: 3)
    assert limiter.share() == (1, 1 / 3)
    key = limiter.key("192.0.2.7")
    assert limiter.retry_after(key) == 0


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_n_instances_together_never_give_a_client_more_than_its_quota_however_it_is_routed(n: int) -> None:
    """The stated bound: max(burst, N) at once and per_minute after that, whatever the proxy does."""
    clock = Clock()
    burst, per_minute = 10, 6
    instances = [
        RateLimiter(per_minute=per_minute, burst=burst, clock=clock, today=lambda: clock.day, replicas=lambda: n)
        for _ in range(n)
    ]
    rng = random.Random(n)
    accepted, start = 0, clock.now
    for step in range(3000):  # ten minutes of requests every 0.2 s, each to any instance, in bursts
        clock.now = start + step * 0.2
        for _ in range(rng.choice([1, 1, 1, 5])):
            instance = rng.choice(instances) if step % 7 else instances[0]  # sometimes all to one
            key = instance.key("203.0.113.9")
            if instance.retry_after(key) == 0:
                instance.charge(key)
                accepted += 1
            assert accepted <= max(burst, n) + per_minute * (clock.now - start) / 60
    assert accepted >= per_minute * 9  # and it does get its quota: ten minutes' refill, less the last share's


def test_replicas_count_one_instance_until_started() -> None:
    replicas = Replicas()
    assert replicas.count("ingest") == 1 and replicas.of("ingest")() == 1
    replicas.counts = {"ingest": 3}
    assert replicas.of("ingest")() == 3 and replicas.count("analytics") == 1
    replicas.interval = 0.2
    assert replicas.ttl == 5.0  # a busy instance is not counted out at once


def test_the_breaker_counts_the_other_instances_as_they_reported_and_tells_them_when_it_opened() -> None:
    clock = Clock()
    breaker = FloodBreaker(per_minute=10, cooldown_s=30, clock=clock)
    breaker.charge()
    assert breaker.report() == (1, 0.0)  # one accepted here since the last report
    breaker.charge()
    breaker.adopt(accepted=9, window_age_s=20, open_for_s=0)  # the installation: 9 (with ours), 1 since
    assert breaker._count == 10 and breaker.retry_after() == 0
    breaker.charge()  # the 11th of the installation within the minute
    assert breaker.retry_after() == 30
    clock.now += 5
    assert breaker.report() == (2, 25.0)  # what it accepted, and that it opened for another 25 s
    assert breaker.report() == (0, 0.0)


def test_the_breaker_opens_when_another_instance_opened_it_and_keeps_what_it_could_not_report() -> None:
    clock = Clock()
    breaker = FloodBreaker(per_minute=10, cooldown_s=30, clock=clock)
    breaker.adopt(accepted=0, window_age_s=0, open_for_s=12.5)
    assert breaker.retry_after() == 12.5
    clock.now += 13
    assert breaker.retry_after() == 0
    breaker.adopt(accepted=4, window_age_s=61, open_for_s=-1)  # an old window: the next charge starts a new one
    breaker.charge()
    assert breaker._count == 1
    accepted, opened_for = breaker.report()
    breaker.unreport(accepted, opened_for)  # the database was away: reported next time
    assert breaker.report() == (1, 0.0)
