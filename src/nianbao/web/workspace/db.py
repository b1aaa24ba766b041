"""The workspace's tables, beside the corpus's in one database (SQLite by default). Made and
upgraded only by the corpus's Alembic migrations (revision 0004); ``metadata`` is given to Alembic
with the corpus's so that a later revision compares both.

A batch holds reports; a report holds its versions (each upload of the same agency and year is a
new version, the original file kept); the review is the decisions on findings, the corrections
of cells and the status; every action is a row of the audit trail, which names its user."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from nianbao.corpus.db import NAMING_CONVENTION, BigId

metadata = MetaData(naming_convention=NAMING_CONVENTION)

users = Table(
    "ws_users",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# a signed-in browser: the cookie holds a random token (signed), the table its SHA-256
sessions = Table(
    "ws_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", ForeignKey("ws_users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# the key that signs the session cookies (made on first use), shared by every server process
settings = Table(
    "ws_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

batches = Table(
    "ws_batches",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("name", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Text, nullable=True),
)

# one report of a batch (an agency's year); its counts are those of its current version's
# findings less the dismissed, kept here for the dashboard to sort on
reports = Table(
    "ws_reports",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("batch_id", ForeignKey("ws_batches.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("agency", Text, nullable=True),
    Column("year", Integer, nullable=True),
    Column("format", String(32), nullable=True),
    Column("template", String(16), nullable=True),
    Column("file_name", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Column("gaps", Integer, nullable=False),
    Column("error_code", String(32), nullable=True),  # a file that could not be read
    Column("error", Text, nullable=True),
    Column("previous_mode", String(16), nullable=False),  # auto | none | batch | corpus
    Column("previous_ref", BigInteger, nullable=True),  # the batch report or corpus report chosen
    Column("previous_label", Text, nullable=True),  # last year's report as found, for display
    Column("previous_link", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

versions = Table(
    "ws_versions",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("report_id", ForeignKey("ws_reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),  # the file as uploaded
    Column("upload", String(32), nullable=True),  # its id in the upload store (the source view)
    Column("parsed", JSON, nullable=True),  # the Report as read (None: the file could not be read)
    Column("checked", JSON, nullable=True),  # the Report with the corrections, as last checked
    Column("findings", JSON, nullable=True),  # its findings then
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Text, nullable=True),
)

corrections = Table(
    "ws_corrections",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("version_id", ForeignKey("ws_versions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("key", String(100), nullable=False),
    Column("before", Double, nullable=True),
    Column("value", Double, nullable=False),
    Column("reason", Text, nullable=False),
    Column("user_name", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# the reviewer's word on a finding, by the finding's identity (rule and cells), so that it holds
# through a check run again and a re-submission
decisions = Table(
    "ws_decisions",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("report_id", ForeignKey("ws_reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("finding", String(400), nullable=False),
    Column("decision", String(16), nullable=False),  # confirmed | dismissed | open
    Column("reason", Text, nullable=True),
    Column("user_name", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

audit = Table(
    "ws_audit",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("batch_id", ForeignKey("ws_batches.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("report_id", BigInteger, nullable=True, index=True),
    Column("user_name", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(32), nullable=False),
    Column("summary", Text, nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
)
