"""Every download is named, never cached or sniffed; a CSV carries exactly one byte order mark, also streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi.responses import StreamingResponse

from shared.downloads import PDF, csv_download, download


def test_a_file_is_named_never_cached_never_sniffed() -> None:
    response = download(b"%PDF-1.7", "bericht.pdf", PDF)
    assert response.headers["content-disposition"] == 'attachment; filename="bericht.pdf"'
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.media_type == "application/pdf" and response.body == b"%PDF-1.7"


def test_a_csv_has_one_bom() -> None:
    response = csv_download("a;b\r\n", "x.csv")
    assert response.body.decode() == "\ufeffa;b\r\n"
    assert response.headers["content-type"] == "text/csv; charset=utf-8"


async def test_a_streamed_csv_has_one_bom_before_its_chunks() -> None:
    async def chunks() -> AsyncIterator[str]:
        yield "a;b\r\n"
        yield "1;2\r\n"

    response = csv_download(chunks(), "x.csv")
    assert isinstance(response, StreamingResponse)
    body = [chunk async for chunk in response.body_iterator]
    assert "".join(str(c) for c in body) == "\ufeffa;b\r\n1;2\r\n"
    assert response.headers["content-disposition"] == 'attachment; filename="x.csv"'


def test_every_download_goes_through_this_module() -> None:
    """Found in review: /wirkung's open data answered with headers of its own (cached, its own byte order mark)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = [p for folder in ("services", "shared", "stadtstimme") for p in (root / folder).rglob("*.py")]
    own = [str(p.relative_to(root)) for p in sources
           if "Content-Disposition" in p.read_text(encoding="utf-8") and p.name != "downloads.py"]  # fmt: skip
    assert own == []
