"""The digest step of ``make demo``: digests and newsletter of one month, into folders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlite_utils import Database

from crawler.config.needs import Inventory
from digest.digests import build_digests
from digest.ledger import send_pending
from digest.newsletter import build_newsletter, build_newsletter_mail
from digest.transport import OutboxTransport

DEMO_WEB = "http://127.0.0.1:8080"


def run_demo_step(
    db: Database, inventory: Inventory, workdir: Path, period: str, today: date
) -> str:
    """Build and "send" the month's digests and newsletter into ``workdir/outbox`` (.eml files)
    and write the newsletter page into ``workdir/newsletter``; returns a printable summary.

    In the demo nobody reviews, so pending matches are included, marked "Ej granskad".
    """
    workdir = Path(workdir)
    outbox = workdir / "outbox"
    pages = workdir / "newsletter"
    # List-Unsubscribe points at `utlys web --db <this database>` on its default address.
    settings = {"digest": {"include_pending": True}, "smtp": {}, "web": {"base_url": DEMO_WEB}}
    built = build_digests(db, inventory, period, settings=settings, today=today)
    sent = send_pending(db, OutboxTransport(outbox), kind="digest", period=period)
    page = build_newsletter(db, inventory, period, out_dir=pages, today=today, include_pending=True)
    letter = build_newsletter_mail(db, inventory, period, settings=settings, today=today)
    letter_sent = send_pending(db, OutboxTransport(outbox), kind="newsletter", period=period)
    lines = [
        f"Digests {period} (utskick): {len(sent.sent)} sent to the outbox, "
        f"{len(built.skipped)} municipality(ies) skipped",
        *[f"  skipped {name}: {why}" for name, why in built.skipped],
        f"  outbox: {outbox}",
        f"Newsletter (månadsbrev) {period}: {page}",
        f"  index: {page.parent / 'index.html'}",
        f"  emailed to {len(letter_sent.sent)} address(es) on the newsletter list",
        *[f"  newsletter mail skipped: {why}" for _, why in letter.skipped],
    ]
    for path in sorted(outbox.glob("*.eml")):
        lines.append(f"  {path.name}")
    return "\n".join(lines)
