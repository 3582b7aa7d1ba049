"""`python -m crawler.crawl JOB`: the crawl child process (see crawler.crawl.runner)."""

import sys
from pathlib import Path

from crawler.crawl.runner import child_main

sys.exit(child_main(Path(sys.argv[1])))
