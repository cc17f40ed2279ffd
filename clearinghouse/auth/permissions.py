"""Who may do what. Services call these; views never decide permissions themselves."""

from dataclasses import dataclass

from ..exceptions import Forbidden, Unauthorized


@dataclass(frozen=True)
class Actor:
    """Whoever makes a change: a signed-in user, or the system itself (seed, import)."""

    user_id: int | None
    name: str
    role: str


SYSTEM = Actor(user_id=None, name="Clearinghouse data", role="admin")


def require_role(actor: Actor | None, *roles: str) -> Actor:
    """Admins may do everything; others need one of `roles`."""
    if actor is None:
        raise Unauthorized("Sign in, or send an API token as 'Authorization: Bearer <token>'.")
    if actor.role != "admin" and actor.role not in roles:
        allowed = ", ".join(("admin", *roles))
        raise Forbidden(f"This needs one of the roles {allowed}; your role is {actor.role}.")
    return actor
