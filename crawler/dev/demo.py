"""`utlys demo`: the whole pipeline offline, on the bundled snapshot of the funders' sites.

The demo is a list of steps (``DEMO_STEPS``) run in order on one ``DemoContext`` while the
snapshot server runs. Later areas add theirs (match, digest) by appending a step function::

    from crawler.dev.demo import DEMO_STEPS
    DEMO_STEPS.append(my_step)          # def my_step(ctx: DemoContext) -> None

Everything the demo writes goes into the work folder; the files of an earlier run are removed
first, so that month 1 always starts from an empty database.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.crawl.report import SourceReport, format_reports
from crawler.crawl.runner import run_crawl
from crawler.dev.snapserver import SnapshotServer, serve_snapshot, write_snapshot_sources
from crawler.normalize import ellipsize
from crawler.store import open_db
from crawler.store.queries import call_titles, changes_seen

Echo = Callable[[str], Any]
# Which municipality has which need in the demo: an example reading of the kommunturné, so that
# the demo's digests differ; config/needs.yaml keeps every need on every municipality.
DEMO_NEEDS = Path(__file__).resolve().parent / "demo_needs.yaml"


@dataclass
class DemoContext:
    workdir: Path
    server: SnapshotServer
    echo: Echo
    sources_path: Path
    reports: dict[str, list[SourceReport]] = field(default_factory=dict)  # by month
    extra: dict[str, Any] = field(default_factory=dict)  # what later steps hand each other

    @property
    def db_path(self) -> Path:
        return self.workdir / "utlys.db"


@dataclass
class DemoResult:
    workdir: Path
    db_path: Path
    reports: dict[str, list[SourceReport]]
    extra: dict[str, Any]


DemoStep = Callable[[DemoContext], None]


def run_demo(
    workdir: str | Path = "demo-output", echo: Echo = print, steps: list[DemoStep] | None = None
) -> DemoResult:
    """Serve the snapshot and run the demo steps; return what they produced."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    clean_workdir(workdir)
    with serve_snapshot("month1") as server:
        ctx = DemoContext(
            workdir=workdir,
            server=server,
            echo=echo,
            sources_path=write_snapshot_sources(server.base_url, workdir / "sources.yaml"),
        )
        echo(f"Snapshot of the funders' sites served at {server.base_url}")
        for step in DEMO_STEPS if steps is None else steps:
            step(ctx)
    return DemoResult(workdir, ctx.db_path, ctx.reports, ctx.extra)


def clean_workdir(workdir: Path) -> None:
    """Remove what an earlier demo wrote (only our own files: the folder may hold others)."""
    for name in ("utlys.db", "utlys.db-wal", "utlys.db-shm", "utlys.db.crawl.log", "sources.yaml"):
        (workdir / name).unlink(missing_ok=True)
    for folder in ("utlys.db.httpcache", "outbox", "newsletter"):
        shutil.rmtree(workdir / folder, ignore_errors=True)


def crawl_month(ctx: DemoContext, month: str) -> list[SourceReport]:
    manifest = ctx.server.manifest
    assert manifest is not None
    ctx.server.set_month(month)
    today = manifest.months[month]
    ctx.echo("")
    ctx.echo(f"== Crawl of {month} (as on {today.isoformat()})")
    reports = run_crawl(ctx.db_path, ctx.sources_path, today=today)
    ctx.reports[month] = reports
    ctx.echo(format_reports(reports))
    return reports


def crawl_month1(ctx: DemoContext) -> None:
    crawl_month(ctx, "month1")


def crawl_month2(ctx: DemoContext) -> None:
    reports = crawl_month(ctx, "month2")
    ctx.echo("")
    ctx.echo("== What changed between the two months")
    for line in change_lines(ctx.db_path, reports):
        ctx.echo(line)


def change_lines(db_path: Path, reports: list[SourceReport]) -> list[str]:
    """New, changed (field: old -> new) and gone calls of one crawl, with their titles."""
    db = open_db(db_path)
    lines: list[str] = []
    try:
        titles = call_titles(db)
        for report in reports:
            if not (report.new_ids or report.changed_ids or report.gone_ids or report.missing_ids):
                continue
            lines.append(f"{report.source}:")
            for call_id in report.new_ids:
                call = db["calls"].get(call_id)
                when = f", deadline {call['deadline']}" if call["deadline"] else ""
                lines.append(f"  new      {call['title']} ({call['status']}{when})")
            for call_id in report.changed_ids:
                lines.append(f"  changed  {titles.get(call_id, call_id)}")
                for change in changes_seen(db, call_id, report.seen_at):
                    old, new = _short(change["old"]), _short(change["new"])
                    lines.append(f"             {change['field']}: {old} -> {new}")
            for call_id in report.gone_ids:
                lines.append(f"  gone     {titles.get(call_id, call_id)}")
            for call_id in report.missing_ids:
                title = titles.get(call_id, call_id)
                lines.append(f"  missing  {title} (gone if the next crawl misses it too)")
    finally:
        db.close()
    if not lines:
        lines.append("(no changes)")
    return lines


def _short(value: str | None, width: int = 70) -> str:
    return ellipsize(value, width) if value else "-"


def demo_inventory(path: Path = DEMO_NEEDS) -> Any:
    """config/needs.yaml with each municipality's needs taken from the demo's example file.

    Only the municipality -> needs lists come from the demo file, so the needs, subscribers and
    coordinator shown are the shipped ones; a name or need id the default does not know is one
    ConfigError line."""
    from dataclasses import replace

    from crawler.config import ConfigError, read_yaml
    from crawler.config.needs import load_needs

    inventory = load_needs()
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of municipality -> list of need ids")
    known = {n.id for n in inventory.needs}
    wanted: dict[str, tuple[str, ...]] = {}
    for name, needs in raw.items():
        municipality = inventory.municipality(str(name))
        if not isinstance(needs, list) or not all(str(n) in known for n in needs):
            bad = next((n for n in needs if str(n) not in known), needs)
            raise ConfigError(f"{path}: municipality {name}: unknown need id {bad!r}")
        wanted[municipality.name] = tuple(str(n) for n in needs)
    municipalities = tuple(
        replace(m, needs=wanted.get(m.name, m.needs)) for m in inventory.municipalities
    )
    return replace(inventory, municipalities=municipalities)


def match_month2(ctx: DemoContext) -> None:
    """Match every stored call against the demo's needs inventory, as on month 2's day."""
    from crawler.config import load_sources
    from crawler.match.run import describe_matches, match_database, summary_lines

    inventory = demo_inventory()
    ctx.extra["inventory"] = inventory
    sources = {s.id: s for s in load_sources(ctx.sources_path).sources}
    today = ctx.server.manifest.months["month2"]
    ctx.echo("")
    ctx.echo(
        f"== Matching against config/needs.yaml with the example needs per municipality of"
        f" crawler/dev/demo_needs.yaml (as on {today.isoformat()})"
    )
    db = open_db(ctx.db_path)
    try:
        run = match_database(db, inventory, all_calls=True, today=today, sources=sources)
        ctx.echo("\n".join(summary_lines(run, inventory)))
        ctx.echo(describe_matches(db, inventory, limit=5))
    finally:
        db.close()


def digest_month2(ctx: DemoContext) -> None:
    """Build month 2's digests and newsletter into the work folder (outbox of .eml files)."""
    from crawler.dev.demo_digest import run_demo_step

    today = ctx.server.manifest.months["month2"]
    period = today.strftime("%Y-%m")
    ctx.echo("")
    ctx.echo(f"== Digests and newsletter for {period}")
    db = open_db(ctx.db_path)
    try:
        inventory = ctx.extra.get("inventory") or demo_inventory()
        ctx.echo(run_demo_step(db, inventory, ctx.workdir, period, today))
    finally:
        db.close()


DEMO_STEPS: list[DemoStep] = [crawl_month1, crawl_month2, match_month2, digest_month2]
