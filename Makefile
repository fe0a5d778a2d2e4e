# make install: Debian packages (when missing), .venv, the project with its dev, piper, check and
#               kokoro extras,
#               its modules compiled to bytecode (kept even where PYTHONDONTWRITEBYTECODE is set).
# make run:     narrate every article in samples/ into audio_out/, then serve them on :8000.
# make test:    ruff, mypy and the whole pytest suite (real espeak-ng voice included).
# make check:   the unit tests alone, for the inner loop: every test not marked slow (none
#               starts a process or a server), in under a minute.
# make services: Redis and PostgreSQL on 127.0.0.1 for the scale-out tests, MariaDB for the
#               WordPress plugin's (installed and started from Debian packages when they
#               do not answer).
# make wordpress-zip: build/narration-wordpress.zip, the WordPress plugin to upload.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= audio_out
BASE_URL ?= http://127.0.0.1:8000
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Whether something listens on 127.0.0.1 at port $(1).
answers = timeout 1 bash -c '</dev/tcp/127.0.0.1/$(1)' 2>/dev/null
DEBS   := espeak-ng ffmpeg fonts-dejavu-core openssl chromium nginx \
          wordpress php8.2-cli php8.2-mysql php8.2-curl php8.2-xml php8.2-mbstring phpunit \
          mariadb-server zip

.PHONY: install debs services run test check lint typecheck bench clean wordpress-zip

install: debs $(STAMP)
	@$(BIN)/python -m compileall -q narration api podcast_feed.py

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
	$(BIN)/pip install -q -e '.[dev,piper,check,kokoro]'
	@touch $(STAMP)

run: install
	$(BIN)/narration narrate samples/* --out $(OUT) --base-url $(BASE_URL)
	@echo "serving $(OUT) at $(BASE_URL): show page $(BASE_URL)/, feed $(BASE_URL)/feed.xml, API $(BASE_URL)/docs (Ctrl-C stops)"
	$(BIN)/narration serve --out $(OUT) --base-url $(BASE_URL) --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check narration podcast_feed.py api
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy narration podcast_feed.py api

# Quiet and idempotent: a server already answering is left alone. The tests make their own
# database (and Redis queue name) per run and drop it afterwards.
services:
	@if ! $(call answers,6379); then \
		command -v redis-server >/dev/null 2>&1 || { \
			echo "installing Debian package: redis-server"; \
			$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server >/dev/null; }; \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null; \
	fi
	@if ! $(call answers,5432); then \
		command -v pg_ctlcluster >/dev/null 2>&1 && [ -n "$$(ls /etc/postgresql 2>/dev/null)" ] || { \
			echo "installing Debian package: postgresql"; \
			$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }; \
		version=$$(ls /etc/postgresql | sort -V | tail -n 1); \
		hba=/etc/postgresql/$$version/main/pg_hba.conf; \
		$(SUDO) grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' $$hba || \
			$(SUDO) sed -i '1i host all all 127.0.0.1/32 trust' $$hba; \
		$(SUDO) pg_ctlcluster --skip-systemctl-redirect $$version main start; \
	fi
	@if ! $(call answers,3306); then \
		command -v mariadbd >/dev/null 2>&1 || { \
			echo "installing Debian package: mariadb-server"; \
			$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq mariadb-server >/dev/null; }; \
		$(SUDO) mkdir -p /run/mysqld && $(SUDO) chown mysql:mysql /run/mysqld; \
		$(SUDO) sh -c 'mysqld_safe --bind-address=127.0.0.1 --port=3306 >/dev/null 2>&1 &'; \
	fi
	@for i in $$(seq 50); do $(call answers,6379) && $(call answers,5432) && $(call answers,3306) && break; sleep 0.2; done
	@$(call answers,6379) || { echo "Redis does not answer on 127.0.0.1:6379"; exit 1; }
	@$(call answers,5432) || { echo "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1; }
	@$(call answers,3306) || { echo "MariaDB does not answer on 127.0.0.1:3306"; exit 1; }
	@mysql -h 127.0.0.1 -u root -e 'SELECT 1' >/dev/null 2>&1 || \
		$(SUDO) mysql -u root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket" || \
		{ echo "MariaDB on 127.0.0.1:3306 needs root with an empty password"; exit 1; }
	@$(BIN)/python -c "import psycopg; psycopg.connect('host=127.0.0.1 user=postgres dbname=postgres').close()" 2>/dev/null || \
		{ echo "PostgreSQL on 127.0.0.1:5432 needs trust for the role postgres (pg_hba.conf)"; exit 1; }

test: install services lint typecheck
	$(BIN)/pytest -q

# The fast tier: tests marked slow (see pyproject.toml's markers) are left out here, and
# only here; `make test` above selects nothing, so it runs every test.
check: install
	$(BIN)/pytest -q -m "not slow"

bench: install
	$(BIN)/python bench/narrate_speed.py

# The WordPress plugin as a zip to upload (Plugins -> Add New -> Upload Plugin).
wordpress-zip:
	@mkdir -p build
	rm -f build/narration-wordpress.zip
	cd integrations/wordpress && zip -q -r -X ../../build/narration-wordpress.zip narration -x '*/.*'
	@echo "build/narration-wordpress.zip"

clean:
	rm -rf $(VENV) build *.egg-info
