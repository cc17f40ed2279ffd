"""An Internet-governance or development issue, and the WSIS Action Lines it falls under."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import vocabulary
from ..extensions import db
from ..types import UTCDateTime, utcnow


class Issue(db.Model):
    __tablename__ = "issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(32), index=True)
    priority: Mapped[str] = mapped_column(String(16))
    controversy: Mapped[str] = mapped_column(String(16))
    # The aspects that need global policy making, most important first.
    aspects: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The record's own words in other languages: {"fr": {"title": …}}; see i18n.localised.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    action_line_links: Mapped[list["IssueActionLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def action_lines(self) -> list[str]:
        """Codes in the vocabulary's order (C1 … C7, C7 sub-lines, C8 … C11)."""
        codes = {link.code for link in self.action_line_links}
        return [code for code in vocabulary.ACTION_LINES if code in codes]

    @action_lines.setter
    def action_lines(self, codes: list[str]) -> None:
        wanted = set(codes)
        self.action_line_links = [
            link for link in self.action_line_links if link.code in wanted
        ] + [IssueActionLine(code=code) for code in sorted(wanted - set(self.action_lines))]


class IssueActionLine(db.Model):
    __tablename__ = "issue_action_lines"

    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
