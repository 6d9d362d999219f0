"""``SealedText``: citizens' free text as it travels on the topics, encrypted with its response's data key
(crypto-shredding, ``shared.shredding``): erasing the key erases every copy of the text."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class SealedText(BaseModel):
    """AES-256-GCM ciphertext of a UTF-8 text; its associated data are the key id's 16 bytes and the field's name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key_id: UUID = Field(description="The data key: the id of the response the text belongs to.")
    nonce: str = Field(pattern=r"^[A-Za-z0-9_-]{16}$", description="The 12-byte nonce, base64url without padding.")
    ciphertext: str = Field(
        min_length=22, max_length=16_000, pattern=r"^[A-Za-z0-9_-]+$",
        description="Ciphertext and 16-byte tag, base64url without padding.",
    )  # fmt: skip
