"""Ingest baseline: an idiomatic FastAPI endpoint that takes the same JSON body and does nothing with it.

``python bench/noop_app.py --port N`` serves it with the settings ``stadtstimme serve`` uses: uvicorn, one
worker, uvloop, httptools, access log off. The body is a pydantic model parameter mirroring the fields and
limits of ``FeedbackRequest`` (FastAPI parses and validates it); the answer is 202 with the event id.
"""

from __future__ import annotations

import argparse
from typing import Literal
from uuid import UUID

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field


class Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    event_id: UUID
    site: str = Field(min_length=1, max_length=64)
    page_url: str = Field(min_length=1, max_length=2048)
    helpful: bool | None = None
    rating: int | None = Field(None, ge=1, le=5)
    comment: str | None = Field(None, max_length=2000)
    suggestion: str | None = Field(None, max_length=2000)
    category: Literal["content", "technical", "accessibility_barrier", "service", "other"] | None = None
    language: Literal["de", "en"] = "de"


app = FastAPI()


@app.post("/api/v1/feedback", status_code=202)
async def submit(feedback: Feedback) -> dict[str, str]:
    return {"event_id": str(feedback.event_id)}


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
    )
