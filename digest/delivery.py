"""The old name of the send ledger, kept while callers move to ``digest.ledger``."""

from digest.ledger import (
    Outgoing,
    SendReport,
    held,
    record,
    release,
    send_deliveries,
    send_pending,
    summary,
)

__all__ = [
    "Outgoing",
    "SendReport",
    "held",
    "record",
    "release",
    "send_deliveries",
    "send_pending",
    "summary",
]
