# Every target creates .venv and installs utlys into it when missing.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench eval lint clean scrapyd-check

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/utlys demo

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

# Every labelled set in the repository: eval/ and each eval/<set>/ with a labels.yaml.
eval: $(STAMP)
	$(PY) -m crawler.match.evaluation
	@for d in eval/*/; do test -f $$d/labels.yaml || continue; echo "== $$d"; \
	  $(PY) -m crawler.match.evaluation --dir $$d || exit 1; done

lint: $(STAMP)
	$(VENV)/bin/ruff check crawler spiders digest tests bench
	$(VENV)/bin/ruff format --check crawler spiders digest tests bench

# Deploy on a local Scrapyd and compare with `utlys crawl` (needs the [scrapyd] extra; not in CI).
scrapyd-check: $(STAMP)
	$(PY) -m pip install --quiet -e '.[scrapyd]'
	$(PY) -m crawler.dev.scrapyd_check

clean:
	rm -rf $(VENV) demo-output .pytest_cache
