"""Settings of notify."""

from __future__ import annotations

from pydantic import Field

from callsheet_kit.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    """Notify's settings."""

    smtp_host: str = Field("127.0.0.1", alias="SMTP_HOST")
    smtp_port: int = Field(1025, alias="SMTP_PORT", gt=0, lt=65536)
    mail_from: str = Field("Callsheet <no-reply@callsheet.test>", alias="CALLSHEET_MAIL_FROM")
    email_domain: str = Field("example.test", alias="CALLSHEET_EMAIL_DOMAIN")
