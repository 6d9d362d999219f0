"""Rate limit and flood breaker of ingest, driven by a fake clock."""

from __future__ import annotations

from datetime import date

from shared.abuse import FloodBreaker, RateLimiter, client_network


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
