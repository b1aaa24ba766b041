"""The reviewer's workspace of ``nianbao serve``: batches of uploaded reports kept in the corpus's
database, a review workflow that remembers (decisions on findings, cells corrected by hand, a
status per report, an audit trail naming the user), local accounts and the exports.

Modules: ``db`` (the tables, made by the corpus's Alembic revision 0004), ``auth`` (accounts,
passwords, sessions, CSRF), ``service`` (what a batch and a review do, on the database),
``exports`` (问题清单 and the batch summary) and ``routes`` (pages and API). This package's
``__init__`` stays light: the command line and the corpus migrations import ``db`` alone."""
