"""Domain errors: a stable machine code and a Chinese message for the person who caused them."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the user can act on. Views turn it into HTTP 400 with `{code, message}`."""

    code: str = "domain_error"
    status: int = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class ValidationFailed(DomainError):
    code = "validation_failed"
