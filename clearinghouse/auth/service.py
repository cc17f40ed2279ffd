"""Accounts: creating users, checking passwords, issuing and revoking API tokens."""

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from marshmallow import fields, validate

from ..database import MAX_ID, transaction
from ..exceptions import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..fields import Text
from ..types import utcnow
from ..validation import InputSchema, load
from .models import ROLES, ApiToken, User
from .permissions import Actor

hasher = PasswordHasher()
# Verified against when no such user exists, so a wrong e-mail costs as long as a wrong password.
DUMMY_HASH = hasher.hash("not a password")
MIN_PASSWORD = 12


class UserInput(InputSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = Text(200, load_default="")
    role = fields.String(
        required=True,
        validate=validate.OneOf(ROLES, error="'{input}' is not a role; use one of: {choices}."),
    )
    password = fields.String(
        required=True,
        validate=validate.Length(
            MIN_PASSWORD, 1024, error=f"Use a password of at least {MIN_PASSWORD} characters."
        ),
    )


def actor_for(user: User | None) -> Actor | None:
    if user is None:
        return None
    return Actor(user_id=user.id, name=user.name or user.email, role=user.role)


def create_user(data: dict) -> User:
    values = load(UserInput(), data)
    email = values["email"].lower()
    with transaction() as session:
        if session.scalar(db.select(User.id).where(User.email == email)):
            raise Conflict(f"There is already an account for {email}.")
        user = User(
            email=email,
            name=values["name"] or email.split("@")[0],
            role=values["role"],
            password_hash=hasher.hash(values["password"]),
        )
        session.add(user)
    return user


def user_by_email(email: str) -> User | None:
    if "\x00" in email:  # no address holds one, and PostgreSQL cannot even compare it
        return None
    return db.session.scalar(db.select(User).where(User.email == email.strip().lower()))


def find_user(email: str) -> User:
    user = user_by_email(email)
    if user is None:
        raise NotFound(f"There is no account for {email}.")
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = user_by_email(email)
    try:
        hasher.verify(user.password_hash if user and user.password_hash else DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user if user is not None and user.active else None


def set_active(email: str, active: bool) -> User:
    with transaction():
        user = find_user(email)
        user.active = active
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(email: str) -> tuple[ApiToken, str]:
    """A new token for the user; the secret is returned once and never stored."""
    secret = "ch_" + secrets.token_urlsafe(32)
    with transaction() as session:
        user = find_user(email)
        if not user.active:
            raise InvalidInput(f"The account {user.email} is disabled.")
        token = ApiToken(user=user, prefix=secret[:10], token_hash=hash_token(secret))
        session.add(token)
    return token, secret


def revoke_token(token_id: int) -> ApiToken:
    with transaction() as session:
        token = session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
        if token is None:
            raise NotFound(f"There is no token {token_id}.")
        token.revoked_at = token.revoked_at or utcnow()
    return token


def user_for_token(secret: str) -> User | None:
    """The active owner of a live token, or None."""
    query = (
        db.select(User)
        .join(ApiToken)
        .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None))
        .where(User.active.is_(True))
    )
    return db.session.scalar(query)
