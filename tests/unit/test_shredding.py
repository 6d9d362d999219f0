"""Crypto-shredding's pure parts: a sealed text opens only with its key, for its response and its field."""

from __future__ import annotations

import secrets
import uuid

from shared.contracts.sealed import SealedText
from shared.shredding import CODE_ALPHABET, normalise_code, seal, shown_code, unseal


def test_a_sealed_text_opens_with_its_key_for_its_response_and_field_only() -> None:
    key, response = secrets.token_bytes(32), uuid.uuid4()
    sealed = seal(key, response, "comment", "Frau Müller war sehr freundlich.")
    assert "Müller" not in sealed.model_dump_json()
    assert unseal(key, sealed, "comment") == "Frau Müller war sehr freundlich."
    assert unseal(None, sealed, "comment") is None  # the key is erased: the text is gone
    assert unseal(secrets.token_bytes(32), sealed, "comment") is None  # another key
    assert unseal(key, sealed, "suggestion") is None  # moved to another field
    moved = SealedText(key_id=uuid.uuid4(), nonce=sealed.nonce, ciphertext=sealed.ciphertext)
    assert unseal(key, moved, "comment") is None  # moved to another response
    again = seal(key, response, "comment", "Frau Müller war sehr freundlich.")
    assert again.ciphertext != sealed.ciphertext  # a fresh nonce every time


def test_deletion_codes_are_read_as_people_type_them() -> None:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    shown = shown_code(code)
    assert len(shown) == 11 and shown[5] == "-"
    for typed in (shown, shown.lower(), f"  {code[:3]} {code[3:]} ", code):
        assert normalise_code(typed) == code
    assert normalise_code("ABCDE-FGHI0") is None  # 0 is no code character
    assert normalise_code("ABCDE") is None and normalise_code("") is None
