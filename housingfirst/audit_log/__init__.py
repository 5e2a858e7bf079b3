"""The auditor's change-history review: unified change log, access log, tamper-evident chain.

- ``registry``: which models are audited (every model with a simple-history manager), their
  history models, client field and m2m snapshots.
- ``chain``: seals every history row and access-log entry into a hash chain; verification.
- ``changelog``: the unified change log and access log selectors (keyset pages, CSV rows).
- ``views``/``urls``/``forms``: the pages under ``/audit/``.
- ``middleware``: read-only by construction (auditors' writes and admin history reverts).
"""
