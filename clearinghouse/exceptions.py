"""Domain exceptions: services raise these, `errors.py` turns them into HTTP."""


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: dict[str, list[str]] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class InvalidInput(DomainError):
    status = 422
    title = "Invalid input"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class Unauthorized(DomainError):
    status = 401
    title = "Authentication required"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"
