"""The gateway's settings: the common ones, the token secret, where to listen, and the edge's limits."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from callsheet_kit.settings import CommonSettings

# HS256 needs a secret at least as long as its hash (RFC 7518 §3.2); the contract's dev secret is
# shorter, so only dev and test may use one like it.
MIN_SECRET_BYTES = 32


class GatewaySettings(CommonSettings):
    """Settings of the gateway process; peer addresses come from ``CommonSettings``.

    The limits bound what one request may cost the gateway and the services behind it; every
    default is stated in the README.
    """

    jwt_secret: str = Field("dev-secret-change-me", alias="CALLSHEET_JWT_SECRET", min_length=1)
    # Clocks of token issuers and of the gateway differ a little; iat, nbf and exp get this much slack.
    jwt_leeway_seconds: float = Field(30.0, alias="CALLSHEET_JWT_LEEWAY_SECONDS", ge=0, le=300)
    host: str = Field("127.0.0.1", alias="GATEWAY_HOST")
    port: int = Field(8080, alias="GATEWAY_PORT", ge=0, le=65535)

    # Every request, either face.
    request_timeout_seconds: float = Field(15.0, alias="GATEWAY_REQUEST_TIMEOUT_SECONDS", gt=0, le=300)
    max_body_bytes: int = Field(64 * 1024, alias="GATEWAY_MAX_BODY_BYTES", ge=1024)
    max_body_depth: int = Field(32, alias="GATEWAY_MAX_BODY_DEPTH", ge=4, le=256)

    # GraphQL documents.
    max_query_tokens: int = Field(1000, alias="GATEWAY_MAX_QUERY_TOKENS", ge=50)
    max_query_depth: int = Field(15, alias="GATEWAY_MAX_QUERY_DEPTH", ge=2)
    max_query_aliases: int = Field(20, alias="GATEWAY_MAX_QUERY_ALIASES", ge=0)
    max_query_cost: int = Field(5000, alias="GATEWAY_MAX_QUERY_COST", ge=1)

    @model_validator(mode="after")
    def _secret_long_enough_outside_dev(self) -> Self:
        if not self.is_dev and len(self.jwt_secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(
                f"CALLSHEET_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes outside dev and test "
                "(HS256 is only as strong as its secret)"
            )
        self.require_files_secret()
        return self
