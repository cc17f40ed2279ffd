"""Running tallies behind consultation summaries, filled from the submissions so far

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 08:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# The tables as this migration reads them, whatever the models become later.
submissions = sa.table("submissions", *map(sa.column, (
    "id", "consultation_id", "status", "stakeholder_group", "region", "fingerprint")))
answers = sa.table("submission_answers", *map(sa.column, ("submission_id", "question_id")),
                   sa.column("value", sa.String))
terms = sa.table("submission_terms", *map(sa.column, ("submission_id", "term")))
COLUMNS = ["consultation_id", "stakeholder_group", "region", "kind", "key", "count"]


def backfill():
    """What feedback/tallies.py's recount does, as it stood when this was written."""
    s = submissions.c
    cell = (s.consultation_id, s.stakeholder_group, s.region)
    counted = s.status == "accepted"
    answer_key = sa.cast(answers.c.question_id, sa.String) + "\x1f" + answers.c.value
    return [
        sa.select(*cell, sa.literal("all"), sa.literal(""), sa.func.count())
        .where(counted).group_by(*cell),
        sa.select(*cell, sa.literal("answer"), answer_key, sa.func.count())
        .join(submissions, s.id == answers.c.submission_id).where(counted)
        .group_by(*cell, answers.c.question_id, answers.c.value),
        sa.select(*cell, sa.literal("term"), terms.c.term, sa.func.count())
        .join(submissions, s.id == terms.c.submission_id).where(counted)
        .group_by(*cell, terms.c.term),
        sa.select(*cell, sa.literal("campaign"), s.fingerprint, sa.func.count())
        .where(counted, s.fingerprint.is_not(None)).group_by(*cell, s.fingerprint),
    ]


def upgrade():
    op.create_table(
        'summary_tallies',
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('stakeholder_group', sa.String(length=32), nullable=False),
        sa.Column('region', sa.String(length=32), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'],
                                name=op.f('fk_summary_tallies_consultation_id_consultations')),
        sa.PrimaryKeyConstraint('consultation_id', 'kind', 'key', 'stakeholder_group', 'region',
                                name=op.f('pk_summary_tallies'))
    )
    op.create_index('ix_summary_tallies_kind', 'summary_tallies',
                    ['consultation_id', 'kind', 'key'], unique=False)
    tallies = sa.table("summary_tallies", *map(sa.column, COLUMNS))
    for select in backfill():
        op.execute(tallies.insert().from_select(COLUMNS, select))


def downgrade():
    op.drop_index('ix_summary_tallies_kind', table_name='summary_tallies')
    op.drop_table('summary_tallies')
