"""SDG/NFK transfer events on ``stadtstimme.sdg.v1``: the monthly transfer of SDG-relevant feedback to the
Nationale Feedback-Komponente (Implementing Regulation (EU) 2020/1121, Art. 7 and 10), published by the analytics
(``services.analytics.sdg``); the notifier alerts staff when a delivery finally failed (``type = sdg.transfer_failed``).

``SdgTransferStored`` says a month's transfer was built and stored for good (table ``sdg_transfer``, which refuses
updates): its id, how many records, the SHA-256 of the exact bytes sent. The records themselves (ratings, question
ids, page URLs, dates, languages; never free text) stay in that table: a month of a Land could exceed a record's size
limit. ``SdgTransferDelivered`` and ``SdgTransferFailed`` end each delivery run (the job's own, or a re-send).
Keyed by the month.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventType

_MONTH = r"^[0-9]{4}-[0-9]{2}$"


class SdgTransferStoredV1(BaseModel):
    """Data of ``de.stadtstimme.sdg.transfer-stored`` v1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    transfer_id: UUID = Field(description="uuid5 of the month: the receiver deduplicates by it.")
    month: str = Field(pattern=_MONTH, description="The calendar month transferred, YYYY-MM.")
    records: int = Field(ge=0, description="Feedback records in the transfer (SDG pages only).")
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 (hex) of the transfer's JSON as sent.")
    due: date = Field(description="The last day to deliver it: the fifth working day after the month.")
    at: datetime = Field(description="When it was built.")


class SdgTransferDeliveredV1(BaseModel):
    """Data of ``de.stadtstimme.sdg.transfer-delivered`` v1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    transfer_id: UUID
    month: str = Field(pattern=_MONTH)
    run: int = Field(ge=1, description="The delivery run (1: the monthly job's; more: re-sends).")
    attempts: int = Field(ge=1, description="Attempts this run needed.")
    status_code: int = Field(ge=100, le=599, description="The receiver's HTTP status.")
    at: datetime


class SdgTransferFailedV1(BaseModel):
    """Data of ``de.stadtstimme.sdg.transfer-failed`` v1: every attempt of a run failed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    transfer_id: UUID
    month: str = Field(pattern=_MONTH)
    run: int = Field(ge=1)
    attempts: int = Field(ge=1)
    status_code: int | None = Field(ge=100, le=599, description="The last HTTP status; None: no answer.")
    error: str = Field(max_length=300, description="What went wrong last (no token, no content).")
    due: date = Field(description="The last day to deliver it.")
    at: datetime


SDG_TRANSFER_STORED = EventType("de.stadtstimme.sdg.transfer-stored", 1, SdgTransferStoredV1)
SDG_TRANSFER_DELIVERED = EventType("de.stadtstimme.sdg.transfer-delivered", 1, SdgTransferDeliveredV1)
SDG_TRANSFER_FAILED = EventType("de.stadtstimme.sdg.transfer-failed", 1, SdgTransferFailedV1)
SDG_EVENT_TYPES = (SDG_TRANSFER_STORED, SDG_TRANSFER_DELIVERED, SDG_TRANSFER_FAILED)
