# check_creatio_oauth — see README.md.
# The release build is static (CGO_ENABLED=0): no dynamic loader or libc start-up,
# which is a fifth of a one-shot run's cost.
# Go 1.26.8, the newest 1.26 the module proxy serves here, has 10 known
# vulnerabilities in net/http, crypto/tls and crypto/x509 (make vulncheck);
# Go 1.27.3 has none of them, and fixes a fuzzing race (go.dev/issue/75804).
# The go command fetches it through the module proxy; GOTOOLCHAIN=local
# make ... uses the installed Go instead.
export GOTOOLCHAIN ?= go1.27.3

BIN     := check_creatio_oauth
# One version for --version, the man page and the packages: VERSION holds the
# release, packaging/version adds ~git<time>.<commit> to any other build.
BASE_VERSION := $(shell cat VERSION)
VERSION := $(shell packaging/version)
LDFLAGS := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 2m
# go skips testdata/ in ./... patterns: the simulator, the demo and the test
# fixtures are named.
TESTDATA_PKGS := ./testdata/sim ./testdata/simulator ./testdata/demo ./testdata/fixture

.PHONY: all build demo test vet race fuzz vulncheck bench integration package package-test clean

all: build

## build: the release binary ./check_creatio_oauth
build:
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

## demo: build, start the simulated Creatio and run the plugin against every scenario
demo: build
	go run ./testdata/demo -bin ./$(BIN)

## test: gofmt, vet, the race-enabled tests and every fuzz target for 20 000 inputs
## (a count, not a duration: Go 1.26's fuzz coordinator can fail a run at its time limit)
test: vet race
	$(MAKE) --no-print-directory fuzz FUZZTIME=20000x

vet:
	@out=$$(gofmt -l . ); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./... $(TESTDATA_PKGS)

race:
	go test -race -count=1 ./... $(TESTDATA_PKGS)

## fuzz: each fuzz target for $(FUZZTIME), 2 minutes unless told (make fuzz FUZZTIME=30m)
fuzz:
	@set -e; for pkg in $$(go list ./...); do \
	  for t in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$t ($(FUZZTIME))"; \
	    log=$${TMPDIR:-/tmp}/fuzz-$$t.log; \
	    for try in 1 2 3; do \
	      if go test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 0 $$pkg >$$log 2>&1; then break; fi; \
	      if grep -q 'Failing input written' $$log || ! grep -q 'context deadline exceeded' $$log || [ $$try = 3 ]; then cat $$log; exit 1; fi; \
	      echo "  retry: Go's fuzz coordinator race at the time limit (go.dev/issue/75804), no input found"; \
	    done; \
	    grep -E '^fuzz: elapsed' $$log | tail -1; \
	  done; \
	done

## vulncheck: govulncheck with an offline database from the golang.org/x/vulndb module
vulncheck:
	.ci/vulncheck

## bench: compare the binary with curl, check_http, check_curl and a bare Go GET
bench: build
	bench/setup.sh
	go run ./bench -bin ./$(BIN)

## integration: let Icinga 2 and Nagios 4 run the plugin (contrib/integration/run; `run all` adds Zabbix 6.0/7.0, a proxy, a satellite, the Director)
integration:
	contrib/integration/run

## package: the .deb and .rpm for amd64 and arm64 in dist/ (nFPM, packaging/README.md)
PKG_NAME   := check-creatio-oauth
PKG_ARCHES := amd64 arm64
PKG_BUILD  := build/package
PKG_EPOCH   = $(shell packaging/version -epoch)
package:
	@test -n "$(VERSION)" || { echo "packaging/version failed"; exit 1; }
	@head -1 packaging/changelog | grep -qF '$(PKG_NAME) ($(BASE_VERSION)) ' || \
	  { echo "packaging/changelog: the first entry must be $(PKG_NAME) ($(BASE_VERSION)), as in VERSION"; exit 1; }
	rm -rf dist $(PKG_BUILD)
	mkdir -p dist $(PKG_BUILD)/host
	go build -C packaging/tools -o $(CURDIR)/$(PKG_BUILD)/nfpm github.com/goreleaser/nfpm/v2/cmd/nfpm
	@set -e; for arch in $(PKG_ARCHES); do \
	  echo "CGO_ENABLED=0 GOOS=linux GOARCH=$$arch go build -trimpath -ldflags \"$(LDFLAGS)\" -o $(PKG_BUILD)/linux_$$arch/$(BIN) ."; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=$$arch go build -trimpath -ldflags "$(LDFLAGS)" -o $(PKG_BUILD)/linux_$$arch/$(BIN) .; \
	done
	@# the man page and the checks need a binary that runs here
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o $(PKG_BUILD)/host/$(BIN) .
	@v=$$($(PKG_BUILD)/host/$(BIN) --version || true); test "$$v" = "$(BIN) $(VERSION)" || \
	  { echo "--version says '$$v', not '$(BIN) $(VERSION)'"; exit 1; }
	@for m in $$(go version -m $(PKG_BUILD)/host/$(BIN) | awk '$$1 == "dep" { print $$2 }'); do \
	  grep -qF " $$m/*" packaging/copyright || { echo "packaging/copyright does not name $$m, linked into $(BIN)"; exit 1; }; \
	done
	SOURCE_DATE_EPOCH=$(PKG_EPOCH) $(PKG_BUILD)/host/$(BIN) --manpage >$(PKG_BUILD)/$(BIN).1
	@grep -qF '"$(BIN) $(VERSION)"' $(PKG_BUILD)/$(BIN).1 || { echo "the man page's .TH does not name $(VERSION)"; exit 1; }
	gzip -9n <$(PKG_BUILD)/$(BIN).1 >$(PKG_BUILD)/$(BIN).1.gz
	sed '1s/^$(PKG_NAME) ($(BASE_VERSION))/$(PKG_NAME) ($(VERSION))/' packaging/changelog | gzip -9n >$(PKG_BUILD)/changelog.gz
	@set -e; for arch in $(PKG_ARCHES); do for fmt in deb rpm; do \
	  PKG_VERSION='$(VERSION)' PKG_ARCH=$$arch PKG_BUILD=$(PKG_BUILD) SOURCE_DATE_EPOCH=$(PKG_EPOCH) \
	    $(PKG_BUILD)/nfpm package --config packaging/nfpm.yaml --packager $$fmt --target dist/; \
	done; done

## package-test: make package, then install, use, inspect and purge the .deb here (root, Debian 12)
package-test:
	.ci/package

clean:
	rm -rf $(BIN) dist build
