"""Signed, expiring links to stored files: the object store's presigned URLs, for the dev file store.

In production, documents live in S3 and S3 itself serves its presigned URLs. Where they live on
a filesystem (dev, tests, a single machine), the gateway serves them at ``/files/<key>`` only
with a signature made here: an HMAC-SHA256, under a secret the file store and the gateway share,
of the key and the moment the link stops working. A link cannot be altered to reach another file
or to live longer.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import quote, urlencode

DEV_FILES_SECRET = "dev-files-secret-change-me"


def signature(key: str, expires: int, secret: str) -> str:
    """The signature of a link to ``key`` that works until the Unix time ``expires``."""
    return hmac.new(secret.encode(), f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()


def signed_url(base_url: str, key: str, *, expires_at: datetime, secret: str) -> str:
    """The link to ``key`` under ``base_url`` (``…/files/<key>?expires=…&signature=…``)."""
    expires = int(expires_at.timestamp())
    query = urlencode({"expires": expires, "signature": signature(key, expires, secret)})
    return f"{base_url.rstrip('/')}/files/{quote(key)}?{query}"


def link_holds(key: str, expires: int, given: str, *, secret: str, now: datetime) -> bool:
    """True when ``given`` signs ``key`` until ``expires`` and that moment has not come."""
    if expires <= now.timestamp():
        return False
    return hmac.compare_digest(signature(key, expires, secret), given)


def upload_signature(key: str, expires: int, content_type: str, max_bytes: int, secret: str) -> str:
    """The signature of a link to PUT ``key``: of that content type, at most ``max_bytes``, until ``expires``."""
    message = f"PUT\n{key}\n{expires}\n{content_type}\n{max_bytes}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def signed_upload_url(
    base_url: str, key: str, *, expires_at: datetime, content_type: str, max_bytes: int, secret: str
) -> str:
    """The link to PUT ``key`` (``…/files/<key>?expires=…&contentType=…&maxBytes=…&signature=…``)."""
    expires = int(expires_at.timestamp())
    query = urlencode(
        {
            "expires": expires,
            "contentType": content_type,
            "maxBytes": max_bytes,
            "signature": upload_signature(key, expires, content_type, max_bytes, secret),
        }
    )
    return f"{base_url.rstrip('/')}/files/{quote(key)}?{query}"


def upload_holds(
    key: str, expires: int, content_type: str, max_bytes: int, given: str, *, secret: str, now: datetime
) -> bool:
    """True when ``given`` signs an upload of ``key`` with these bounds and it has not expired."""
    if expires <= now.timestamp():
        return False
    return hmac.compare_digest(upload_signature(key, expires, content_type, max_bytes, secret), given)
