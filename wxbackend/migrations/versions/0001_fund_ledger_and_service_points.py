"""fund ledger and service points

Revision ID: 0001
Revises:
Create Date: 2026-11-22 19:11:32.924130
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The journal is append-only: the database itself refuses to change or remove an entry.
_PG_APPEND_ONLY = (
    "CREATE FUNCTION journal_entry_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'journal_entry is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER journal_entry_no_update BEFORE UPDATE OR DELETE ON journal_entry "
    "FOR EACH ROW EXECUTE FUNCTION journal_entry_append_only()",
)
_SQLITE_APPEND_ONLY = (
    "CREATE TRIGGER journal_entry_no_update BEFORE UPDATE ON journal_entry "
    "BEGIN SELECT RAISE(ABORT, 'journal_entry is append-only'); END",
    "CREATE TRIGGER journal_entry_no_delete BEFORE DELETE ON journal_entry "
    "BEGIN SELECT RAISE(ABORT, 'journal_entry is append-only'); END",
)


def _create_append_only_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _PG_APPEND_ONLY if postgres else _SQLITE_APPEND_ONLY:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "employer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("district", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer")),
        sa.UniqueConstraint("code", name=op.f("uq_employer_code")),
    )
    op.create_table(
        "service_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=256), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("hours", sa.String(length=256), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("services", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_point")),
        sa.UniqueConstraint("code", name=op.f("uq_service_point_code")),
    )
    with op.batch_alter_table("service_point", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_point_district"), ["district"], unique=False)

    op.create_table(
        "fund_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_no_enc", sa.LargeBinary(), nullable=False),
        sa.Column("id_no_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("mobile_enc", sa.LargeBinary(), nullable=True),
        sa.Column("mobile_hash", sa.LargeBinary(length=32), nullable=True),
        sa.Column("pii_key_id", sa.String(length=16), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "normal",
                "sealed",
                "frozen",
                "closed",
                name="accountstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("deposit_base", sa.BigInteger(), nullable=False),
        sa.Column("employer_ratio_bp", sa.Integer(), nullable=False),
        sa.Column("employee_ratio_bp", sa.Integer(), nullable=False),
        sa.Column("paid_up_to", sa.Date(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("status_changed_on", sa.Date(), nullable=True),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_fund_account_balance_not_negative")),
        sa.CheckConstraint(
            "deposit_base >= 0", name=op.f("ck_fund_account_deposit_base_not_negative")
        ),
        sa.CheckConstraint(
            "employee_ratio_bp BETWEEN 500 AND 1200",
            name=op.f("ck_fund_account_employee_ratio_range"),
        ),
        sa.CheckConstraint(
            "employer_ratio_bp BETWEEN 500 AND 1200",
            name=op.f("ck_fund_account_employer_ratio_range"),
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employer.id"], name=op.f("fk_fund_account_employer_id_employer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_account")),
        sa.UniqueConstraint("account_no", name=op.f("uq_fund_account_account_no")),
    )
    with op.batch_alter_table("fund_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_account_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fund_account_id_no_hash"), ["id_no_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fund_account_mobile_hash"), ["mobile_hash"], unique=False
        )

    op.create_table(
        "deposit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("paid_for_month", sa.Date(), nullable=False),
        sa.Column("deposit_base", sa.BigInteger(), nullable=False),
        sa.Column("employer_ratio_bp", sa.Integer(), nullable=False),
        sa.Column("employee_ratio_bp", sa.Integer(), nullable=False),
        sa.Column("employer_amount", sa.BigInteger(), nullable=False),
        sa.Column("employee_amount", sa.BigInteger(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["fund_account.id"], name=op.f("fk_deposit_account_id_fund_account")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employer.id"], name=op.f("fk_deposit_employer_id_employer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deposit")),
        sa.UniqueConstraint(
            "account_id", "paid_for_month", name=op.f("uq_deposit_account_id_paid_for_month")
        ),
    )
    with op.batch_alter_table("deposit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deposit_account_id"), ["account_id"], unique=False)

    op.create_table(
        "interest_posting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["fund_account.id"],
            name=op.f("fk_interest_posting_account_id_fund_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest_posting")),
        sa.UniqueConstraint("account_id", "year", name=op.f("uq_interest_posting_account_id_year")),
    )
    with op.batch_alter_table("interest_posting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interest_posting_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "journal_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "entry_type",
            sa.Enum(
                "opening",
                "deposit",
                "interest",
                "withdrawal",
                "reversal",
                "adjustment",
                name="entrytype",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_journal_entry_amount_not_zero")),
        sa.CheckConstraint(
            "balance_after >= 0", name=op.f("ck_journal_entry_balance_after_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["fund_account.id"],
            name=op.f("fk_journal_entry_account_id_fund_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
        sa.UniqueConstraint("account_id", "entry_type", "ref", name="uq_journal_entry_ref"),
    )
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journal_entry_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "loan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_no", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("annual_rate_bp", sa.Integer(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "equal_instalment",
                "equal_principal",
                name="repaymentmethod",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "settled",
                name="loanstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["fund_account.id"], name=op.f("fk_loan_account_id_fund_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan")),
        sa.UniqueConstraint("contract_no", name=op.f("uq_loan_contract_no")),
    )
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loan_account_id"), ["account_id"], unique=False)

    op.create_table(
        "repayment_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("period_no", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("interest", sa.BigInteger(), nullable=False),
        sa.Column("remaining_principal", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "paid",
                "due",
                "overdue",
                name="repaymentstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loan.id"], name=op.f("fk_repayment_schedule_loan_id_loan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repayment_schedule")),
        sa.UniqueConstraint(
            "loan_id", "period_no", name=op.f("uq_repayment_schedule_loan_id_period_no")
        ),
    )
    with op.batch_alter_table("repayment_schedule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repayment_schedule_loan_id"), ["loan_id"], unique=False
        )
    _create_append_only_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS journal_entry_no_update ON journal_entry")
        op.execute("DROP FUNCTION IF EXISTS journal_entry_append_only()")
    with op.batch_alter_table("repayment_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repayment_schedule_loan_id"))

    op.drop_table("repayment_schedule")
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_account_id"))

    op.drop_table("loan")
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_entry_account_id"))

    op.drop_table("journal_entry")
    with op.batch_alter_table("interest_posting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interest_posting_account_id"))

    op.drop_table("interest_posting")
    with op.batch_alter_table("deposit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deposit_account_id"))

    op.drop_table("deposit")
    with op.batch_alter_table("fund_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_account_mobile_hash"))
        batch_op.drop_index(batch_op.f("ix_fund_account_id_no_hash"))
        batch_op.drop_index(batch_op.f("ix_fund_account_employer_id"))

    op.drop_table("fund_account")
    with op.batch_alter_table("service_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_point_district"))

    op.drop_table("service_point")
    op.drop_table("employer")
