# TheoryLab. The two commands:
#   make lab    install whatever is missing, then start JupyterLab on notebooks/ and print its URL
#   make test   install whatever is missing, then run every test (Go, then the notebooks)
# Everything is installed inside the repository (.venv, .tools; see scripts/setup.sh), pinned by
# scripts/requirements-lab.txt and tools/go.mod. A second run finds it all in place in about a second.
# `make help` lists the targets and the variables.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Programs.
PYTHON ?= python3
GO ?= go
VENV_PYTHON := .venv/bin/python

# Go: the lab builds with Go 1.27.3, which any go command from 1.21 on fetches from the Go module
# proxy when GOTOOLCHAIN names it, and with GOEXPERIMENT=simd, which turns on the SIMD kernels of
# GoMLX's pure-Go backend. Exported to every command below (go test, go run, scripts/setup.sh, which
# also writes both into the GoNB kernelspec). Override like any variable, e.g. GOTOOLCHAIN=go1.27.4.
GOTOOLCHAIN ?= go1.27.3
GOEXPERIMENT ?= simd

# make lab
PORT ?= 8888
IP ?= 127.0.0.1
NO_BROWSER ?=
LAB_TOKEN ?=
BASE_URL ?= /
LAB_ARGS ?=

# make test
GO_TEST_TIMEOUT ?= 60m
GO_TEST_FLAGS ?=
PRESET ?= quick
NB_CELL_TIMEOUT ?= 900
NOTEBOOKS ?=

export PYTHON GO GOTOOLCHAIN GOEXPERIMENT

GO_TEST_CMD = $(GO) test -timeout $(GO_TEST_TIMEOUT) $(GO_TEST_FLAGS) ./...
# The papers' tests (quick presets with every claim) once more on the embedded pure-Go backend, so that both backends
# are held to the claims (the default run above uses xla:cpu where its plugin is installed).
GO_PAPERS_CMD = GOMLX_BACKEND=go $(GO) test -timeout $(GO_TEST_TIMEOUT) $(GO_TEST_FLAGS) ./pkg/papers/...
CHECK_NB_CMD = $(VENV_PYTHON) tests/check_notebooks.py $(NOTEBOOKS)
RUN_NB_CMD = $(VENV_PYTHON) tests/run_notebooks.py --preset '$(PRESET)' --cell-timeout '$(NB_CELL_TIMEOUT)' $(NOTEBOOKS)
# Student copies (solutions replaced by stubs, see pkg/exercise) in build/student/, then their check.
STUDENT_CMD = rm -rf build/student && $(GO) run ./cmd/theorylab student --out build/student $(NOTEBOOKS) && \
	$(VENV_PYTHON) tests/check_notebooks.py --student build/student/*.ipynb
# JupyterLab + headless Chromium (Debian's chromium, installed by scripts/setup-browser.sh).
BROWSER_CMD = $(VENV_PYTHON) tests/browser_test.py
SITE_CMD = $(VENV_PYTHON) scripts/build_site.py --preset '$(PRESET)' --cell-timeout '$(NB_CELL_TIMEOUT)' $(NOTEBOOKS)

.PHONY: help setup lab test test-go check-notebooks test-notebooks strip-notebooks student test-browser site bench clean distclean

help:
	@echo 'TheoryLab'
	@echo '  make lab              install what is missing, start JupyterLab on notebooks/, print its URL'
	@echo '  make test             install what is missing, run go test ./..., the papers again on the pure-Go backend,'
	@echo '                        notebook hygiene, student copies, the browser test and every notebook'
	@echo '  make setup            only install (.venv, .tools/bin, the GoNB kernelspec, the MNIST data module)'
	@echo '  make test-go          go test ./... only'
	@echo '  make check-notebooks  notebook hygiene only (no outputs, GoNB kernel, first cell, no absolute paths)'
	@echo '  make test-notebooks   hygiene, then execute the notebooks (copies in build/notebooks/)'
	@echo '  make strip-notebooks  strip outputs and execution counts, add missing cell ids (notebooks/*.ipynb, in place)'
	@echo '  make student          student copies of the notebooks (solutions replaced by stubs) in build/student/'
	@echo '  make test-browser     JupyterLab in headless Chromium runs 00-start-here (installs chromium with apt)'
	@echo '  make site             execute every notebook and render HTML + index page into build/site/'
	@echo '                        (formulas by MathJax, pinned, from npm into .tools/site: the pages work offline)'
	@echo '  make bench            theorylab bench on every backend beside PyTorch (installs python3-torch with apt),'
	@echo '                        JSON report in build/bench.json (BENCH_ARGS="--threads 1 --only eos-")'
	@echo '  make clean            remove build/;  make distclean: also .venv, .tools and tests/browser/node_modules'
	@echo 'Variables (make VAR=value ...):'
	@echo '  lab:   PORT=$(PORT) IP=$(IP) NO_BROWSER=1 (implied off a terminal) LAB_TOKEN=... BASE_URL=/x/'
	@echo '         LAB_ARGS="more jupyter lab arguments"'
	@echo '  test:  GO_TEST_TIMEOUT=$(GO_TEST_TIMEOUT) GO_TEST_FLAGS="-v -run X" PRESET=$(PRESET) (THEORYLAB_PRESET'
	@echo '         for the notebooks) NB_CELL_TIMEOUT=$(NB_CELL_TIMEOUT) (seconds per cell) NOTEBOOKS="notebooks/01-x.ipynb ..."'
	@echo '  all:   PYTHON=$(PYTHON) GO=$(GO) GOTOOLCHAIN=$(GOTOOLCHAIN) GOEXPERIMENT=$(GOEXPERIMENT)'
	@echo '         SETUP_VERBOSE=1 (show pip and go build output)'

setup:
	@scripts/setup.sh

lab:
	@PORT='$(PORT)' IP='$(IP)' NO_BROWSER='$(NO_BROWSER)' LAB_TOKEN='$(LAB_TOKEN)' BASE_URL='$(BASE_URL)' LAB_ARGS='$(LAB_ARGS)' \
		scripts/lab.sh

# Runs all three parts even when one fails, so that one run reports everything; fails if any failed.
test:
	@scripts/setup.sh
	@scripts/setup-qemu.sh || [[ $$? == 3 ]]
	@failed=; \
	echo '== go test ./...'; $(GO_TEST_CMD) || failed="$$failed go-test"; \
	echo '== every paper on the pure-Go backend'; $(GO_PAPERS_CMD) || failed="$$failed go-backend-papers"; \
	echo '== notebook hygiene'; $(CHECK_NB_CMD) || failed="$$failed notebook-hygiene"; \
	echo '== student copies'; { $(STUDENT_CMD); } || failed="$$failed student-copies"; \
	echo '== browser (JupyterLab + headless Chromium)'; $(BROWSER_CMD) || failed="$$failed browser"; \
	echo '== notebooks'; $(RUN_NB_CMD) || failed="$$failed notebooks"; \
	if [[ -n "$$failed" ]]; then echo "make test: FAILED:$$failed"; exit 1; fi; \
	echo 'make test: all passed'

test-go:
	$(GO_TEST_CMD)

check-notebooks: setup
	@$(CHECK_NB_CMD)

test-notebooks: setup
	@$(CHECK_NB_CMD)
	@$(RUN_NB_CMD)

strip-notebooks: setup
	@$(VENV_PYTHON) tests/check_notebooks.py --fix $(NOTEBOOKS)

student: setup
	@$(STUDENT_CMD)

test-browser: setup
	@$(BROWSER_CMD)

site: setup
	@$(SITE_CMD)

# Speed of every backend beside the PyTorch CPU reference (docs/performance.md). Not part of `make test`.
# GOEXPERIMENT=simd: the pure-Go backend's SIMD kernels (the report's go_version says "X:simd" when on).
BENCH_ARGS ?=
bench: setup
	@scripts/setup-bench.sh || [[ $$? == 3 ]]
	@mkdir -p build
	GOEXPERIMENT=simd $(GO) run ./cmd/theorylab bench --out build/bench.json $(BENCH_ARGS)

clean:
	rm -rf build
	-$(GO) run ./cmd/theorylab cache prune

distclean: clean
	rm -rf .venv .tools tests/browser/node_modules
