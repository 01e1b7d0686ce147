"""One validated Settings object, grouped by external system."""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from wxbackend.config_features import (
    AppointmentSettings,
    CertificateSettings,
    NotifySettings,
    SessionSettings,
    SigningSettings,
    StaffSettings,
    WithdrawSettings,
)
from wxbackend.config_urls import default_unless_given, follow_the_port, origin
from wxbackend.home import home_dir, resolve, sqlite_url_in_home
from wxbackend.production import production_problems

# Development defaults are deliberately recognisable: production refuses any of them.
DEV_PLACEHOLDER = "dev-only-change-me"
DEV_PII_KEY = "00112233445566778899aabbccddeeff"
DEV_LOOKUP_KEY = "dev-only-lookup-key-change-me-0000"
DEV_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


class DatabaseSettings(BaseModel):
    # A relative SQLite path is relative to the home (WXB_HOME), never the current directory.
    url: str = "sqlite+aiosqlite:///./var/wxbackend.db"
    echo: bool = False
    pool_size: int = 10
    max_overflow: int = 10
    # Wait at most this long for a pooled connection; then the request answers 503.
    pool_timeout_s: float = 5.0
    # PostgreSQL only: connections per process for the hot reads that skip the ORM
    # session (wxbackend/reads.py, the 账户查询 click), besides pool_size + max_overflow.
    read_pool_size: int = 4


class StoreSettings(BaseModel):
    redis_url: str | None = None
    key_prefix: str = "wxb:"
    # Without Redis: the file the in-process store keeps limits, lockouts and sessions in,
    # so a restart forgets none of them. Empty = beside the SQLite database file.
    embedded_path: str = ""
    # Redis connections per process; a burst beyond them waits up to pool_timeout_s.
    max_connections: int = 100
    pool_timeout_s: float = 2.0
    # A Redis that does not answer within this many seconds counts as down (503).
    socket_timeout_s: float = 1.0
    health_check_interval_s: float = 10.0


class OfficialAccountSettings(BaseModel):
    app_id: str = "wx0fficia1acc0unt"
    app_secret: SecretStr = SecretStr(DEV_PLACEHOLDER)
    token: SecretStr = SecretStr("devtoken")
    encoding_aes_key: SecretStr = SecretStr(DEV_AES_KEY)
    # Refuse plain and compatible mode; unset = on in production, off elsewhere.
    require_encryption: bool | None = None
    timestamp_window_s: int = 300
    reply_budget_s: float = 4.0
    max_body_bytes: int = 64 * 1024


class MiniProgramSettings(BaseModel):
    app_id: str = "wxm1n1pr0gram0001"
    app_secret: SecretStr = SecretStr(DEV_PLACEHOLDER)


class WeChatSettings(BaseModel):
    # Unset: the sandbox on this server's port (see Settings._follow_the_port).
    api_base_url: str = "http://127.0.0.1:8000/sandbox/wechat"
    # Where the OAuth authorize page lives (open.weixin.qq.com); the sandbox serves one too.
    # Unset: the sandbox under the public base URL (a browser opens it).
    open_base_url: str = "http://127.0.0.1:8000/sandbox/wechat"
    use_stable_token: bool = True
    # Per-request timeout for WeChat API calls (the callback itself must answer within 5 s).
    timeout_s: float = 5.0
    # Refresh the shared access_token when less than this is left (WeChat tokens live 7200 s).
    token_refresh_margin_s: float = 300.0
    oa: OfficialAccountSettings = OfficialAccountSettings()
    mp: MiniProgramSettings = MiniProgramSettings()


class TencentCloudSettings(BaseModel):
    secret_id: SecretStr = SecretStr("AKIDdevonly")
    secret_key: SecretStr = SecretStr(DEV_PLACEHOLDER)
    region: str = "ap-guangzhou"
    # Host[:port][/path] the SDK talks to; empty means the real *.tencentcloudapi.com.
    # Unset: the sandbox on this server's port.
    endpoint: str = "127.0.0.1:8000/sandbox/tencent"
    protocol: Literal["http", "https"] = "http"
    faceid_rule_id: str = "1"
    sms_sdk_app_id: str = "1400000000"
    # The SMS signature (签名) is the centre's: settings.centre.sms_sign.
    sms_template_id: str = "100001"


_PHONE_SHAPE = r"^[0-9][0-9-]{2,19}$"


class CentreSettings(BaseModel):
    """The centre's public profile: every reply, page, statement and SMS reads it here."""

    name: str = Field("示范市住房公积金管理中心", min_length=2, max_length=40)
    # The national fund service number (voice self-service, SMS).
    national_hotline: str = Field("12329", pattern=_PHONE_SHAPE)
    # The centre's own line for online-service problems; empty = only the national one.
    local_hotline: str = Field("", pattern=r"^$|" + _PHONE_SHAPE)
    # The SMS signature registered with Tencent Cloud (【…】 before every SMS).
    sms_sign: str = Field("示范市公积金", min_length=2, max_length=12)
    # The number SMS come from, where a holder replies to opt out.
    sms_number: str = Field("12329", pattern=_PHONE_SHAPE)
    address: str = Field("示范市人民中路一段1号市政务服务中心三楼", max_length=80)
    hours: str = Field(
        "周一至周五 9:00–12:00，13:30–17:00（法定节假日除外）", min_length=2, max_length=60
    )

    @property
    def hotlines(self) -> str:
        """The numbers to call, as a reply says them: "12329 或 028-…"."""
        if self.local_hotline and self.local_hotline != self.national_hotline:
            return f"{self.national_hotline} 或 {self.local_hotline}"
        return self.national_hotline


class BankSettings(BaseModel):
    # Unset: the sandbox bank on this server's port.
    base_url: str = "http://127.0.0.1:8000/sandbox/bank"
    merchant_id: str = "GJJ0001"
    api_key: SecretStr = SecretStr(DEV_PLACEHOLDER)
    timeout_s: float = 10.0


class SecuritySettings(BaseModel):
    # SM4 keys by key id (32 hex chars = 128 bits); new data uses pii_active_key_id.
    pii_keys: dict[str, SecretStr] = Field(default_factory=lambda: {"k1": SecretStr(DEV_PII_KEY)})
    pii_active_key_id: str = "k1"
    # HMAC-SM3 key for exact-match lookups of encrypted values (not rotated with pii_keys).
    lookup_key: SecretStr = SecretStr(DEV_LOOKUP_KEY)
    session_secret: SecretStr = SecretStr(DEV_PLACEHOLDER)

    @model_validator(mode="after")
    def _check_keys(self) -> SecuritySettings:
        if self.pii_active_key_id not in self.pii_keys:
            raise ValueError("pii_active_key_id must name one of pii_keys")
        for key_id, key in self.pii_keys.items():
            raw = key.get_secret_value()
            try:
                ok = len(bytes.fromhex(raw)) == 16
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(f"pii_keys[{key_id}] must be 32 hex characters (128-bit SM4 key)")
        return self


class SandboxSettings(BaseModel):
    # Mounts the local WeChat / Tencent Cloud / bank stand-ins under /sandbox.
    enabled: bool = True


class ServerSettings(BaseModel):
    # Where `wxbackend serve` listens (its --host / --port override these).
    host: str = "127.0.0.1"
    port: int = 8000
    # Public origin for links and OAuth redirects. Unset: http://127.0.0.1:<port>.
    public_base_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    log_json: bool = True
    # Proxies (IP addresses or CIDR networks) whose X-Forwarded-For is believed; a request
    # from any other peer is from that peer, whatever its headers say.
    trusted_proxies: list[str] = Field(default_factory=list)
    # /docs and /openapi.json; unset = on, except in production.
    api_docs: bool | None = None
    # Bearer token for /metrics; unset = /metrics open, except in production (404).
    metrics_token: SecretStr | None = None
    # Largest request body of any route but the callback and document uploads.
    max_body_bytes: int = 256 * 1024

    @property
    def local_url(self) -> str:
        """Where a client on this machine reaches the server (the CLI, the sandbox)."""
        return origin(self.host, self.port)


class Settings(BaseSettings):
    """Everything configurable; read from WXB_* variables and the home's .env."""

    model_config = SettingsConfigDict(env_prefix="WXB_", env_nested_delimiter="__", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # .env is read from the home (WXB_HOME), wherever the command was started.
        dotenv = DotEnvSettingsSource(settings_cls, env_file=home_dir() / ".env")
        return init_settings, env_settings, dotenv, file_secret_settings

    env: Literal["development", "test", "production"] = "development"
    database: DatabaseSettings = DatabaseSettings()
    store: StoreSettings = StoreSettings()
    wechat: WeChatSettings = WeChatSettings()
    tencent: TencentCloudSettings = TencentCloudSettings()
    centre: CentreSettings = CentreSettings()
    bank: BankSettings = BankSettings()
    security: SecuritySettings = SecuritySettings()
    sandbox: SandboxSettings = SandboxSettings()
    server: ServerSettings = ServerSettings()
    signing: SigningSettings = SigningSettings()
    sessions: SessionSettings = SessionSettings()
    withdraw: WithdrawSettings = WithdrawSettings()
    staff: StaffSettings = StaffSettings()
    notify: NotifySettings = NotifySettings()
    appointments: AppointmentSettings = AppointmentSettings()
    certificates: CertificateSettings = CertificateSettings()

    @model_validator(mode="before")
    @classmethod
    def _conventional_urls(cls, data: Any) -> Any:
        # DATABASE_URL / REDIS_URL are what every platform sets; honour them when the
        # WXB_ names are absent.
        if not isinstance(data, dict):
            return data
        for env_name, section, field in (
            ("DATABASE_URL", "database", "url"),
            ("REDIS_URL", "store", "redis_url"),
        ):
            value = os.environ.get(env_name)
            if value:
                default_unless_given(data, section, field, value)
        return data

    @model_validator(mode="before")
    @classmethod
    def _follow_the_port(cls, data: Any) -> Any:
        return follow_the_port(data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _paths_in_home(self) -> Settings:
        self.database.url = sqlite_url_in_home(self.database.url)
        if self.withdraw.rules_file:
            self.withdraw.rules_file = str(resolve(self.withdraw.rules_file))
        if self.notify.templates_file:
            self.notify.templates_file = str(resolve(self.notify.templates_file))
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        production = self.env == "production"
        if self.wechat.oa.require_encryption is None:
            self.wechat.oa.require_encryption = production
        if self.server.api_docs is None:
            self.server.api_docs = not production
        if not production:
            return self
        problems = self.production_problems()
        if problems:
            raise ValueError(
                "refusing production settings:\n" + "\n".join(f"- {p}" for p in problems)
            )
        return self

    def production_problems(self) -> list[str]:
        """What would make these settings unsafe to run in production (one line each)."""
        placeholders = {DEV_PLACEHOLDER, DEV_PII_KEY, DEV_LOOKUP_KEY, DEV_AES_KEY, "devtoken", ""}
        return production_problems(self, placeholders)

    @property
    def is_sqlite(self) -> bool:
        return self.database.url.startswith("sqlite")

    @property
    def embedded_store_path(self) -> str | None:
        """Where the in-process store keeps its state (None: nowhere, e.g. in-memory DB)."""
        if self.store.embedded_path:
            return self.store.embedded_path
        _, sep, path = self.database.url.partition(":///")
        if not self.is_sqlite or not sep or not path or path.startswith(":memory:"):
            return None
        return path.split("?", 1)[0] + ".store"
