"""Settings of notify."""

from __future__ import annotations

from pydantic import Field

from callsheet_kit.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    """Notify's settings."""

    smtp_host: str = Field("127.0.0.1", alias="SMTP_HOST")
    smtp_port: int = Field(1025, alias="SMTP_PORT", gt=0, lt=65536)
    mail_from: str = Field("Callsheet <no-reply@callsheet.test>", alias="CALLSHEET_MAIL_FROM")
    # Where messages link to: the web app as users reach it.
    app_url: str = Field("http://127.0.0.1:8080/app", alias="CALLSHEET_APP_URL")
    # The account service that knows users' names and addresses; unset in dev and test, where
    # the dev users of contract/RULES.md are the directory (elsewhere it is required).
    user_directory_url: str = Field("", alias="CALLSHEET_USER_DIRECTORY_URL")
    user_directory_token: str = Field("", alias="CALLSHEET_USER_DIRECTORY_TOKEN")
    # Push through FCM HTTP v1 with this service account (Google's JSON key file); no push when unset.
    fcm_credentials_file: str = Field("", alias="CALLSHEET_FCM_CREDENTIALS_FILE")
    fcm_endpoint: str = Field("https://fcm.googleapis.com", alias="CALLSHEET_FCM_ENDPOINT")
    # Attempts of one email or push before it is dead-lettered (about two hours apart at ten).
    delivery_attempts: int = Field(10, alias="CALLSHEET_DELIVERY_ATTEMPTS", ge=1, le=30)
    # Events older than this are told to no one (a consumer catching up on history).
    max_event_age_hours: float = Field(48.0, alias="CALLSHEET_NOTIFY_MAX_EVENT_AGE_HOURS", gt=0)
