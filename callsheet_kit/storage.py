"""The object store of documents and media: S3 in production, or a folder (dev, tests, one machine)
whose files the gateway serves and takes at ``/files/<key>`` through links signed with the secret
they share (``callsheet_kit.signed_urls``). Every service that keeps files uses it through
``ObjectStore``, made by ``object_store`` from the settings."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from callsheet_kit.clock import Clock, OffsetClock
from callsheet_kit.settings import ServiceSettings
from callsheet_kit.signed_urls import signed_upload_url, signed_url


class ObjectStore(Protocol):
    """Where files are kept, and how they are handed out and taken in."""

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        """Stores ``data`` under ``key`` (the same bytes again change nothing)."""
        ...

    def download_url(self, key: str) -> str:
        """A signed link to ``key`` that stops working after a while."""
        ...

    def upload_url(self, key: str, *, content_type: str, max_bytes: int) -> tuple[str, datetime]:
        """A signed link to PUT ``key`` (of that content type, at most ``max_bytes``), and when it stops working."""
        ...


def object_store(settings: ServiceSettings) -> ObjectStore:
    """S3 when a bucket is configured, else the folder the gateway serves and takes signed links for."""
    if settings.files_bucket:
        return S3Store.connect(
            bucket=settings.files_bucket,
            link_seconds=settings.download_link_seconds,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
        )
    return FilesystemStore(
        Path(settings.files_dir),
        base_url=settings.files_base_url,
        secret=settings.files_secret,
        link_seconds=settings.download_link_seconds,
        # Links follow the wall clock, not the dev clock: the gateway checks them against its own.
        clock=OffsetClock(),
    )


class FilesystemStore:
    """``ObjectStore`` in a folder; a document is written to a temporary file, then renamed into place."""

    def __init__(self, root: Path, *, base_url: str, secret: str, link_seconds: int, clock: Clock) -> None:
        self._root = root
        self._base_url = base_url
        self._secret = secret
        self._lifetime = timedelta(seconds=link_seconds)
        self._clock = clock

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        """Stores ``data`` under ``key``; a reader never sees half a file."""
        await asyncio.to_thread(self._write, key, data)

    def _write(self, key: str, data: bytes) -> None:
        path = self._root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)

    def download_url(self, key: str) -> str:
        """A link to ``key`` through the gateway, working for the configured lifetime."""
        return signed_url(self._base_url, key, expires_at=self._clock.now() + self._lifetime, secret=self._secret)

    def upload_url(self, key: str, *, content_type: str, max_bytes: int) -> tuple[str, datetime]:
        """A link to PUT ``key`` through the gateway, for that content type and size, for the configured lifetime."""
        expires = self._clock.now() + self._lifetime
        url = signed_upload_url(
            self._base_url, key, expires_at=expires, content_type=content_type, max_bytes=max_bytes, secret=self._secret
        )
        return url, expires


class S3Store:
    """``ObjectStore`` in an S3 bucket (boto3): documents kept private, handed out by presigned URLs.

    Every call is boto3's own, run in a worker thread (boto3 blocks); S3 serves the presigned link
    itself, so the gateway never touches a document. Credentials come the usual AWS ways (an
    instance or pod role, or the environment); ``endpoint_url`` names an S3-compatible server
    (moto in the tests, MinIO on premises).
    """

    def __init__(self, client: Any, *, bucket: str, link_seconds: int) -> None:
        self._client = client
        self._bucket = bucket
        self._link_seconds = link_seconds

    @classmethod
    def connect(cls, *, bucket: str, link_seconds: int, endpoint_url: str = "", region: str = "") -> S3Store:
        """A store over a new boto3 client (boto3 is imported here, only where S3 is configured)."""
        import boto3
        from botocore.config import Config

        # Signature version 4, which every S3 region accepts (version 2 links are refused by the newer ones).
        config = Config(signature_version="s3v4")
        client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None, config=config)
        return cls(client, bucket=bucket, link_seconds=link_seconds)

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        """Stores ``data`` under ``key``, encrypted at rest by S3."""
        await asyncio.to_thread(
            self._client.put_object,
            Bucket=self._bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            ServerSideEncryption="AES256",
        )

    def download_url(self, key: str) -> str:
        """A presigned GET of ``key`` that S3 honours for the configured lifetime."""
        url: str = self._client.generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=self._link_seconds
        )
        return url

    def upload_url(self, key: str, *, content_type: str, max_bytes: int) -> tuple[str, datetime]:
        """A presigned PUT of ``key`` bound to its content type, encrypted at rest.

        A presigned PUT cannot bound the size (a presigned POST policy can): S3's own 5 GB limit
        applies, and the media's size is checked when it is first used.
        """
        url: str = self._client.generate_presigned_url(
            "put_object",
            Params={"Bucket": self._bucket, "Key": key, "ContentType": content_type, "ServerSideEncryption": "AES256"},
            ExpiresIn=self._link_seconds,
        )
        return url, datetime.now().astimezone() + timedelta(seconds=self._link_seconds)
