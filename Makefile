# make install: Debian packages (when missing), .venv, the project with its dev and piper extras.
# make run:     narrate every article in samples/ into audio_out/, then serve them on :8000.
# make test:    ruff, mypy and the whole pytest suite (real espeak-ng voice included).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= audio_out
BASE_URL ?= http://127.0.0.1:8000
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEBS   := espeak-ng ffmpeg fonts-dejavu-core openssl

.PHONY: install debs run test lint typecheck bench clean

install: debs $(STAMP)

debs:
	@missing=""; \
	for pkg in $(DEBS); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	$(PYTHON) -m venv --help >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,piper]'
	@touch $(STAMP)

run: install
	$(BIN)/narration narrate samples/* --out $(OUT) --base-url $(BASE_URL)
	@echo "serving $(OUT) at $(BASE_URL): feed $(BASE_URL)/feed.xml, API $(BASE_URL)/docs (Ctrl-C stops)"
	$(BIN)/narration serve --out $(OUT) --base-url $(BASE_URL) --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check narration podcast_feed.py api

typecheck: install
	$(BIN)/mypy narration podcast_feed.py api

test: install lint typecheck
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/narrate_speed.py

clean:
	rm -rf $(VENV) build *.egg-info
