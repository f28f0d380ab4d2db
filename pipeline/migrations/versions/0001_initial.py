"""Initial store: batches, documents, results, adjustments, recommendations.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text()),
    )
    op.create_index("ix_batches_started_at", "batches", ["started_at"])
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("size", sa.BigInteger()),
        sa.Column("first_source", sa.Text(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("owner", sa.Text()),
        sa.Column("lease_until", sa.DateTime()),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "results",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer(),
                  sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("batch_id", sa.String(32), sa.ForeignKey("batches.id")),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("error_kind", sa.Text()),
        sa.Column("document_type", sa.Text()),
        sa.Column("category", sa.Text()),
        sa.Column("confidence", sa.Float()),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("appeal_deadline", sa.Date()),
        sa.Column("worker", sa.Text(), nullable=False),
        sa.Column("pipeline_version", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
    )
    op.create_index("ix_results_document_id_id", "results", ["document_id", "id"])
    op.create_index("ix_results_batch_id", "results", ["batch_id"])
    op.create_index("ix_results_created_at", "results", ["created_at"])
    op.create_index("ix_results_category", "results", ["category"])
    op.create_table(
        "adjustments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("result_id", sa.Integer(),
                  sa.ForeignKey("results.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("claim_number", sa.Text()),
        sa.Column("line", sa.Integer()),
        sa.Column("service_date", sa.Date()),
        sa.Column("cpt", sa.Text()),
        sa.Column("modifiers", sa.Text()),
        sa.Column("billed", sa.Float()),
        sa.Column("allowed", sa.Float()),
        sa.Column("paid", sa.Float()),
        sa.Column("group_code", sa.Text()),
        sa.Column("carc", sa.Text()),
        sa.Column("rarc", sa.Text()),
        sa.Column("amount", sa.Float()),
        sa.Column("denied", sa.Boolean()),
    )
    op.create_index("ix_adjustments_result_id", "adjustments", ["result_id"])
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("result_id", sa.Integer(),
                  sa.ForeignKey("results.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("who", sa.Text(), nullable=False),
        sa.Column("due", sa.Date()),
    )
    op.create_index("ix_recommendations_result_id", "recommendations", ["result_id"])


def downgrade() -> None:
    op.drop_table("recommendations")
    op.drop_table("adjustments")
    op.drop_table("results")
    op.drop_table("documents")
    op.drop_table("batches")
