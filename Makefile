# Two commands for a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: run test test-fast install install-dev lint clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# torch first, pinned, so pip never pulls a multi-GB CUDA build
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[local-llm]'
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install --quiet -e '.[local-llm,dev]'
	touch $@

# Debian's Chromium for the browser tests (never `playwright install`: no downloads here)
/usr/bin/chromium:
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-color-emoji; \
	else sudo apt-get update -qq && sudo apt-get install -y -qq chromium fonts-noto-color-emoji; fi

# Tesseract 5 with its Vietnamese model: the default OCR engine for scanned PDF pages
TESSDATA := /usr/share/tesseract-ocr/5/tessdata/vie.traineddata
$(TESSDATA):
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-vie; \
	else sudo apt-get update -qq && sudo apt-get install -y -qq tesseract-ocr tesseract-ocr-vie; fi

# DejaVu Sans: the tests draw their scanned statements with it
/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq fonts-dejavu-core; \
	else sudo apt-get update -qq && sudo apt-get install -y -qq fonts-dejavu-core; fi

install: $(VENV)/.installed $(TESSDATA)
install-dev: $(VENV)/.installed-dev $(TESSDATA)

run: install
	$(VENV)/bin/hoidap ingest examples/
	$(VENV)/bin/hoidap serve

test: install-dev /usr/bin/chromium /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
	$(VENV)/bin/mypy
	$(PY) -m pytest

# The fast tier, while working: no browser, no Chroma server, no answers from the local model
# (markers slow, service, llm in pyproject.toml); under three minutes on a 2-core laptop.
# CI runs `make test`, every test.
FAST := not slow and not service and not llm
test-fast: install-dev /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
	$(PY) -m pytest -m "$(FAST)"

lint: install-dev
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV)
