"""Ledger tables. Money is integer fen; ratios are integer basis points (1200 = 12 %)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wxbackend.db import Base, UTCDateTime, utcnow
from wxbackend.enums import stored_enum


class AccountStatus(enum.StrEnum):
    NORMAL = "normal"  # 正常
    SEALED = "sealed"  # 封存: the employer stopped paying
    FROZEN = "frozen"  # 冻结
    CLOSED = "closed"  # 销户


# The word for each account status, the same on every page, reply and refusal.
ACCOUNT_STATUS_NAMES = {
    AccountStatus.NORMAL: "正常",
    AccountStatus.SEALED: "封存",
    AccountStatus.FROZEN: "冻结",
    AccountStatus.CLOSED: "销户",
}


class EntryType(enum.StrEnum):
    OPENING = "opening"  # balance carried over from the core system at import
    DEPOSIT = "deposit"  # 汇缴
    INTEREST = "interest"  # 结息
    WITHDRAWAL = "withdrawal"  # 提取
    REVERSAL = "reversal"  # a failed withdrawal's money returned
    ADJUSTMENT = "adjustment"  # staff correction, always with a memo


class RepaymentMethod(enum.StrEnum):
    EQUAL_INSTALMENT = "equal_instalment"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金


class LoanStatus(enum.StrEnum):
    ACTIVE = "active"
    SETTLED = "settled"


class RepaymentStatus(enum.StrEnum):
    PAID = "paid"
    DUE = "due"
    OVERDUE = "overdue"


class Employer(Base):
    __tablename__ = "employer"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    credit_code: Mapped[str | None] = mapped_column(String(18))  # 统一社会信用代码
    district: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FundAccount(Base):
    __tablename__ = "fund_account"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint("employer_ratio_bp BETWEEN 500 AND 1200", name="employer_ratio_range"),
        CheckConstraint("employee_ratio_bp BETWEEN 500 AND 1200", name="employee_ratio_range"),
        CheckConstraint("deposit_base >= 0", name="deposit_base_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_no: Mapped[str] = mapped_column(String(20), unique=True)
    # What pages show (张*); the name itself is sealed like the ID number.
    name_masked: Mapped[str] = mapped_column(String(64))
    # Personal data: SM4-GCM ciphertext plus an HMAC-SM3 hash for exact lookups.
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_no_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_no_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    mobile_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    mobile_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    pii_key_id: Mapped[str] = mapped_column(String(16))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    status: Mapped[AccountStatus] = mapped_column(stored_enum(AccountStatus))
    deposit_base: Mapped[int] = mapped_column(BigInteger)
    employer_ratio_bp: Mapped[int] = mapped_column(Integer)
    employee_ratio_bp: Mapped[int] = mapped_column(Integer)
    # First day of the last month paid for; None before the first deposit.
    paid_up_to: Mapped[date | None] = mapped_column(Date)
    opened_on: Mapped[date] = mapped_column(Date)
    status_changed_on: Mapped[date | None] = mapped_column(Date)
    # Always equal to the sum of this account's journal entries (see `ledger check`).
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    employer: Mapped[Employer] = relationship(lazy="raise")


class JournalEntry(Base):
    """One immutable balance change. Updates and deletes are refused by the database."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        # A business event (a deposit, a withdrawal, a reversal) moves money once.
        UniqueConstraint("account_id", "entry_type", "ref", name="uq_journal_entry_ref"),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint("balance_after >= 0", name="balance_after_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), index=True)
    entry_type: Mapped[EntryType] = mapped_column(stored_enum(EntryType))
    amount: Mapped[int] = mapped_column(BigInteger)  # signed fen
    balance_after: Mapped[int] = mapped_column(BigInteger)
    value_date: Mapped[date] = mapped_column(Date)
    ref: Mapped[str] = mapped_column(String(64))  # e.g. "deposit:2025-07", "withdrawal:42"
    memo: Mapped[str | None] = mapped_column(String(200))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Deposit(Base):
    """汇缴: one month's contribution, both shares."""

    __tablename__ = "deposit"
    __table_args__ = (UniqueConstraint("account_id", "paid_for_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"))
    paid_for_month: Mapped[date] = mapped_column(Date)  # first day of the month
    deposit_base: Mapped[int] = mapped_column(BigInteger)
    employer_ratio_bp: Mapped[int] = mapped_column(Integer)
    employee_ratio_bp: Mapped[int] = mapped_column(Integer)
    employer_amount: Mapped[int] = mapped_column(BigInteger)
    employee_amount: Mapped[int] = mapped_column(BigInteger)
    posted_on: Mapped[date] = mapped_column(Date)

    @property
    def amount(self) -> int:
        return self.employer_amount + self.employee_amount


class InterestPosting(Base):
    """结息 for one deposit year (1 July – 30 June), posted on 30 June."""

    __tablename__ = "interest_posting"
    __table_args__ = (UniqueConstraint("account_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # the year whose 30 June closes the period
    rate_bp: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    posted_on: Mapped[date] = mapped_column(Date)


class Loan(Base):
    __tablename__ = "loan"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_no: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), index=True)
    principal: Mapped[int] = mapped_column(BigInteger)
    annual_rate_bp: Mapped[int] = mapped_column(Integer)  # 285 = 2.85 %
    term_months: Mapped[int] = mapped_column(Integer)
    method: Mapped[RepaymentMethod] = mapped_column(stored_enum(RepaymentMethod))
    start_date: Mapped[date] = mapped_column(Date)
    status: Mapped[LoanStatus] = mapped_column(stored_enum(LoanStatus), default=LoanStatus.ACTIVE)


class RepaymentSchedule(Base):
    """One period of a loan's repayment plan."""

    __tablename__ = "repayment_schedule"
    __table_args__ = (UniqueConstraint("loan_id", "period_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    period_no: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    principal: Mapped[int] = mapped_column(BigInteger)
    interest: Mapped[int] = mapped_column(BigInteger)
    remaining_principal: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[RepaymentStatus] = mapped_column(stored_enum(RepaymentStatus))
    paid_on: Mapped[date | None] = mapped_column(Date)

    @property
    def amount(self) -> int:
        return self.principal + self.interest
