"""The request limits' pure parts: what counts as a NUL or a lone surrogate, the bounded body reader, and the
upper bound of a URL prefix range (the inputs the API fuzzer and the review turned into server errors)."""

from __future__ import annotations

from typing import Any

import pytest

from services.analytics.api import prefix_end
from services.ingest.form import _number
from shared.limits import TooLarge, body_limit, has_lone_surrogate, has_nul, read_body


@pytest.mark.parametrize(
    ("body", "nul"),
    [(b"a\x00b", True), (b"x=%00", True), (b"x=%2500", False), (rb'{"a":"\u0000"}', True),
     (rb'{"a":"\\u0000"}', False), (rb'{"a":"\\\u0000"}', True), (b"plain", False)],
)  # fmt: skip
def test_nul_raw_percent_encoded_or_escaped(body: bytes, nul: bool) -> None:
    assert has_nul(body) is nul


@pytest.mark.parametrize(
    ("body", "lone"),
    [(rb'{"t":"\ud800"}', True), (rb'{"t":"\ude00"}', True), (rb'{"t":"\uD800x"}', True),
     (rb'{"t":"\ud83d\ude00"}', False), (b'{"t":"\xf0\x9f\x98\x80"}', False)],
)  # fmt: skip
def test_half_a_surrogate_pair_but_not_a_whole_one(body: bytes, lone: bool) -> None:
    assert has_lone_surrogate(body) is lone


def receiver(*chunks: bytes, disconnect: bool = False) -> Any:
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    if disconnect:
        messages = [*messages[:1], {"type": "http.disconnect"}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    return receive


async def test_the_body_reader_stops_at_the_limit() -> None:
    assert await read_body(receiver(b"ab", b"cd"), None, 4) == b"abcd"
    with pytest.raises(TooLarge):
        await read_body(receiver(b"abc", b"de"), None, 4)  # found while reading
    for declared in ("5", "²", "-1", "x"):
        with pytest.raises(TooLarge):
            await read_body(receiver(b""), declared, 4)  # announced, or not a length at all
    assert await read_body(receiver(b"ab", b"cd", disconnect=True), None, 4) is None
    assert body_limit("/console/hackathons/x") == 256 * 1024 and body_limit("/console/inbox") == 64 * 1024


def test_the_end_of_a_prefix_range_is_always_text() -> None:
    assert prefix_end("https://a.de/b") == "https://a.de/c"
    assert prefix_end("a\U0010ffff") == "b"  # no code point after the last one
    assert prefix_end("a\ud7ff") == "a\ue000"  # never a surrogate, which PostgreSQL cannot store
    assert all("\ud800" > c or c > "\udfff" for c in prefix_end("x\ud7ff"))


def test_form_numbers_are_ascii_digits() -> None:
    assert _number("4") and _number("1700000000000")
    assert not _number("²") and not _number("") and not _number("-1") and not _number("1" * 21)
