"""Tables for PostgreSQL full-text search (SEARCH_BACKEND=postgres)

They exist on every database, so one schema serves both: on PostgreSQL `words` is a tsvector
under a GIN index; on SQLite, where this backend never runs, plain text under a plain index,
in tables that stay empty (Alembic's comparison does not honour a PostgreSQL-only index).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 09:00:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('type', sa.String(length=20), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
        sa.Column('words', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'),
                  nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
        sa.UniqueConstraint('key', name=op.f('uq_search_documents_key')),
    )
    op.create_index('ix_search_documents_words', 'search_documents', ['words'],
                    postgresql_using='gin')
    op.create_table(
        'search_facets',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('facet', sa.String(length=32), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['search_documents.id'],
                                name=op.f('fk_search_facets_document_id_search_documents'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_id', 'facet', 'value', name=op.f('pk_search_facets')),
    )
    op.create_index('ix_search_facets_facet_value', 'search_facets',
                    ['facet', 'value', 'document_id'])
    op.create_table(
        'search_words',
        sa.Column('word', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words')),
    )


def downgrade():
    op.drop_table('search_words')
    op.drop_index('ix_search_facets_facet_value', table_name='search_facets')
    op.drop_table('search_facets')
    op.drop_index('ix_search_documents_words', table_name='search_documents')
    op.drop_table('search_documents')
