from __future__ import annotations

from shop.errors import ShopError


class AccountError(ShopError):
    """A refused account operation; ``field`` names the form field it is about, if any."""

    INVALID_EMAIL = "invalid_email"
    EMAIL_TAKEN = "email_taken"
    INVALID_NAME = "invalid_name"
    PASSWORD_TOO_SHORT = "password_too_short"
    PASSWORD_TOO_LONG = "password_too_long"
    PASSWORD_TOO_WEAK = "password_too_weak"
    WRONG_PASSWORD = "wrong_password"
    BAD_CREDENTIALS = "bad_credentials"
    ACCOUNT_DISABLED = "account_disabled"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    # The second factor (shop.accounts.second_factor).
    BAD_CODE = "bad_code"
    ALREADY_ENROLLED = "already_enrolled"
    NOT_ENROLLED = "not_enrolled"
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    # An administrator's decision about an account (shop.accounts.administration).
    NOT_FOUND = "user_not_found"
    REASON_REQUIRED = "reason_required"
    OWN_ACCOUNT = "own_account"
    NOT_ADMINISTRATOR = "not_administrator"
    STATE_CHANGED = "state_changed"

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        details: list[str] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(code, message, status=status)
        self.field = field
        # Further lines for the person (zxcvbn's warning and suggestions).
        self.details = details or []

    @property
    def messages(self) -> list[str]:
        return [self.message, *self.details]


class LinkError(ShopError):
    """A signed link from a mail that cannot be used (any more)."""

    EXPIRED = "link_expired"
    INVALID = "link_invalid"
    USED = "link_used"

    status = 400
