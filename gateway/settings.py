"""The gateway's settings: the common ones plus the token secret and where to listen."""

from __future__ import annotations

from pydantic import Field

from callsheet_kit.settings import CommonSettings


class GatewaySettings(CommonSettings):
    """Settings of the gateway process; peer addresses come from ``CommonSettings``."""

    jwt_secret: str = Field("dev-secret-change-me", alias="CALLSHEET_JWT_SECRET", min_length=1)
    host: str = Field("127.0.0.1", alias="GATEWAY_HOST")
    port: int = Field(8080, alias="GATEWAY_PORT", ge=0, le=65535)
