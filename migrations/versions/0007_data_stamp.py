"""A random stamp beside the data version, so a restored backup never meets old cached pages

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 10:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('data_version') as batch:
        batch.add_column(sa.Column('stamp', sa.String(length=16), nullable=False,
                                   server_default=''))


def downgrade():
    with op.batch_alter_table('data_version') as batch:
        batch.drop_column('stamp')
