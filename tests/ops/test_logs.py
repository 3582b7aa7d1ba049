"""One line per event, to stderr and a rotating file, with the source id on every line."""

from __future__ import annotations

import logging

from crawler.ops.logs import get_logger, setup_logging


def test_every_line_carries_the_source_or_a_dash(tmp_path, capsys):
    path = tmp_path / "utlys.log"
    setup_logging(path, level="INFO")
    get_logger("crawl", source="esf").info("crawl ok: items=%d", 12)
    get_logger("scheduler").warning("scheduler started")
    get_logger("health").info("alert sent", extra={"source": "amif"})
    get_logger("child").info("first line\nsecond line\n")
    get_logger("crawl").debug("not at INFO")
    for handler in logging.getLogger("utlys").handlers:
        handler.flush()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    assert " esf utlys.crawl: crawl ok: items=12" in lines[0]
    assert " - utlys.scheduler: scheduler started" in lines[1]
    assert " amif utlys.health: alert sent" in lines[2]
    assert lines[3].endswith("first line | second line")
    assert capsys.readouterr().err.splitlines() == lines


def test_the_log_file_rotates(tmp_path):
    path = tmp_path / "utlys.log"
    setup_logging(path, max_bytes=2000, backups=2, stderr=False)
    log = get_logger("crawl", source="esf")
    for n in range(200):
        log.info("event number %d with some words to fill the line", n)
    assert path.exists() and (tmp_path / "utlys.log.1").exists()
    assert (tmp_path / "utlys.log.2").exists() and not (tmp_path / "utlys.log.3").exists()
    assert path.stat().st_size <= 2000
    setup_logging(None, stderr=False)  # close the file before tmp_path goes
