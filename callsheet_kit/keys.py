"""Service keys: every process signs its calls with its own Ed25519 key; callees hold the public halves.

A key travels as the base64 of its raw 32 bytes, one short line that fits an environment
variable or a Kubernetes secret. A process reads its private key from ``CALLSHEET_SERVICE_KEY``
and the public keys of the services allowed to call it from ``CALLSHEET_SERVICE_KEYS``, a JSON
object by service name.

``python -m callsheet_kit.keys orders cards payments support notify gateway`` prints a fresh set.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BeforeValidator, PlainValidator
from pydantic_settings import NoDecode

_KEY_BYTES = 32


def _raw_key(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("must be the base64 of a raw 32-byte Ed25519 key")
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise ValueError("must be the base64 of a raw 32-byte Ed25519 key") from None
    if len(raw) != _KEY_BYTES:
        raise ValueError(f"must be the base64 of a raw 32-byte Ed25519 key, not {len(raw)} bytes")
    return raw


def private_key_from_text(text: object) -> Ed25519PrivateKey:
    """The private key written as base64 of its raw 32 bytes; ValueError when it is not one."""
    if isinstance(text, Ed25519PrivateKey):
        return text
    return Ed25519PrivateKey.from_private_bytes(_raw_key(text))


def public_key_from_text(text: object) -> Ed25519PublicKey:
    """The public key written as base64 of its raw 32 bytes; ValueError when it is not one."""
    if isinstance(text, Ed25519PublicKey):
        return text
    return Ed25519PublicKey.from_public_bytes(_raw_key(text))


def private_key_text(key: Ed25519PrivateKey) -> str:
    """``key`` as base64 of its raw 32 bytes."""
    return base64.b64encode(key.private_bytes_raw()).decode()


def public_key_text(key: Ed25519PublicKey) -> str:
    """``key`` as base64 of its raw 32 bytes."""
    return base64.b64encode(key.public_bytes_raw()).decode()


def _keyring_object(value: object) -> object:
    # Parsed here rather than by the settings source, so a malformed value is reported like any other.
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise ValueError("must be a JSON object of service name to base64 public key") from None


ServicePrivateKey = Annotated[Ed25519PrivateKey, PlainValidator(private_key_from_text)]
"""A private key setting, read from base64 of its raw 32 bytes."""

ServicePublicKey = Annotated[Ed25519PublicKey, PlainValidator(public_key_from_text)]
"""A public key setting, read from base64 of its raw 32 bytes."""

ServiceKeyring = Annotated[dict[str, ServicePublicKey], NoDecode, BeforeValidator(_keyring_object)]
"""The public keys of the services allowed to call, read from a JSON object by service name."""


@dataclass(frozen=True)
class ServiceKeySet:
    """A private key per service, as text, and the keyring of their public keys."""

    private_keys: dict[str, str]
    public_keys: dict[str, str]

    def keyring(self) -> str:
        """The ``CALLSHEET_SERVICE_KEYS`` value that trusts every service of the set."""
        return json.dumps(self.public_keys, sort_keys=True, separators=(",", ":"))


def generate_key_set(services: Iterable[str]) -> ServiceKeySet:
    """A fresh Ed25519 key for each named service."""
    private_keys: dict[str, str] = {}
    public_keys: dict[str, str] = {}
    for name in services:
        key = Ed25519PrivateKey.generate()
        private_keys[name] = private_key_text(key)
        public_keys[name] = public_key_text(key.public_key())
    return ServiceKeySet(private_keys=private_keys, public_keys=public_keys)


def main(argv: Sequence[str] | None = None) -> None:
    """Prints a fresh key set in env-file form (``kubectl create secret generic --from-env-file``):
    each service's private key, then the keyring of their public keys."""
    parser = argparse.ArgumentParser(
        prog="python -m callsheet_kit.keys",
        description="Generate a fresh Ed25519 key per service for the signed service credentials.",
    )
    parser.add_argument("services", nargs="+", help="service names, e.g. orders cards payments support notify gateway")
    names = list(dict.fromkeys(parser.parse_args(argv).services))
    key_set = generate_key_set(names)
    for name in names:
        print(f"# {name} only (secret)")
        print(f"CALLSHEET_SERVICE_KEY={key_set.private_keys[name]}")
    print("# every service: the public keys of the callers it accepts (drop those it should not)")
    print(f"CALLSHEET_SERVICE_KEYS={key_set.keyring()}")


if __name__ == "__main__":
    main()
