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
# The version lives in the command line's package: the linker ignores an -X for a
# symbol that does not exist, so TestVersionStamped checks what make build gives.
VERSION_SYMBOL := check_creatio_oauth/internal/cli.version
LDFLAGS := -s -w -X $(VERSION_SYMBOL)=$(VERSION)
FUZZTIME ?= 2m
# make test runs each fuzz target for TEST_FUZZTIME inputs from its seeds and
# testdata/fuzz alone (FUZZCACHE=fresh: an empty corpus cache of its own), so
# that its time is the same on every machine and does not grow with each run
# (go test's own cache held 400-1500 inputs per target here, whose replay
# took most of make test's fuzzing). Measured from the seeds (fresh cache),
# the 14 targets together: 1000x 12.5 CPU-s, 1053 new inputs; 2000x 19 s,
# 1546; 5000x 32 s, 2126; 20000x 88 s, 3399. make fuzz keeps the long run
# and the cache.
TEST_FUZZTIME ?= 5000x
# go skips testdata/ in ./... patterns: the simulator, the demo and the test
# fixtures are named.
TESTDATA_PKGS := ./testdata/sim ./testdata/simulator ./testdata/demo ./testdata/fixture
# The tests that need the plugin as a process take the binary this names
# (testdata/fixture's BinaryEnv) instead of building their own.
BINARY_ENV := CHECK_CREATIO_OAUTH_TEST_BIN

# staticcheck 2026.2.2, the release that knows Go 1.27; make lint installs it
# once, through the module proxy, into $(GOPATH)/tools (outside the tree, kept
# by make clean), not beside the plugin's credential cache in ~/.cache.
STATICCHECK_VERSION := v0.8.2
TOOLS ?= $(firstword $(subst :, ,$(shell go env GOPATH)))/tools
STATICCHECK := $(TOOLS)/staticcheck-$(STATICCHECK_VERSION)/staticcheck

.PHONY: all help build demo test vet lint race fuzz load vulncheck bench integration package package-windows package-test clean

all: build

## help: the targets, each with its "## name:" comment (this list)
help:
	@awk '/^## [a-z-]+:/ { sub(/^## /, ""); n = index($$0, ":"); printf "  %-13s%s\n", substr($$0, 1, n - 1), substr($$0, n + 1); next } \
	     /^## / { sub(/^## /, ""); printf "  %-13s %s\n", "", $$0 }' $(firstword $(MAKEFILE_LIST))

## build: the release binary ./check_creatio_oauth
build:
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

## demo: build, start the simulated Creatio and run the plugin against every scenario.
## Each step first says what it fetches or builds (README, Try it: the times measured).
## The demo is built as the plugin is (static, -trimpath), so a cold build compiles the
## standard library once, not twice.
demo:
	@set -e; t0=$$(date +%s); \
	step() { printf 'make demo [%4ss] %s\n' $$(($$(date +%s) - t0)) "$$*"; }; \
	step "1/5 $(if $(filter local,$(GOTOOLCHAIN)),the installed Go (GOTOOLCHAIN=local),Go $(GOTOOLCHAIN) (GOTOOLCHAIN): fetched through the module proxy on first use, about 76 MB)"; \
	go version; \
	step "2/5 the Go modules of the plugin and the simulator (go.mod): fetched on first use, about 4 MB"; \
	go list -deps . ./testdata/demo >/dev/null; \
	step "3/5 building the plugin; the first build compiles Go's standard library and the modules too: the longest step"; \
	$(MAKE) --no-print-directory build VERSION=$(VERSION); \
	v=$$(./$(BIN) --version || true); if [ "$$v" != "$(BIN) $(VERSION)" ]; then \
	  echo "make demo: ./$(BIN) --version says '$$v', not $(VERSION): is $(VERSION_SYMBOL) the version's symbol?" >&2; exit 1; fi; \
	step "4/5 building the simulated Creatio and Identity Service, and the demo"; \
	CGO_ENABLED=0 go build -trimpath -o build/demo ./testdata/demo; \
	step "5/5 the plugin against every scenario"; \
	./build/demo -bin ./$(BIN); \
	step "done"

## test: gofmt, vet, staticcheck (make lint: installed on first use through the module
## proxy into $(TOOLS)), the race-enabled tests and every fuzz target for
## $(TEST_FUZZTIME) inputs from its seeds (a count, not a duration: Go 1.26's fuzz
## coordinator can fail a run at its time limit). No test in it asserts how fast the
## machine is: see make load.
test: vet lint race
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(TEST_FUZZTIME) FUZZCACHE=fresh

## vet: gofmt and go vet on every package, the testdata ones too, for this system
## and for Windows amd64 and arm64 (product and test code)
VET_WINDOWS := amd64 arm64
vet:
	@out=$$(gofmt -l . ); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./... $(TESTDATA_PKGS)
	@set -e; for arch in $(VET_WINDOWS); do \
	  echo "GOOS=windows GOARCH=$$arch go vet ./... $(TESTDATA_PKGS)"; \
	  GOOS=windows GOARCH=$$arch go vet ./... $(TESTDATA_PKGS); \
	done

## lint: staticcheck $(STATICCHECK_VERSION) on every package (about a second once its cache is warm)
lint: $(STATICCHECK)
	$(STATICCHECK) ./... $(TESTDATA_PKGS)

$(STATICCHECK):
	GOBIN=$(dir $@) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

## race: go test -race on every package, the testdata ones too; the tests that run the
## plugin as a process run the binary make build made
race: build
	$(BINARY_ENV)=$(CURDIR)/$(BIN) go test -race -count=1 ./... $(TESTDATA_PKGS)

## load: the built plugin 1000 times, 50 at a time, against the simulator (TestLoad):
## every run in its state within -t + 1 s, all within 60 s, no process left behind.
## Its limits measure the machine as much as the plugin: run it on a machine left to it.
load: build
	CHECK_CREATIO_OAUTH_LOAD=1 $(BINARY_ENV)=$(CURDIR)/$(BIN) go test -count=1 -run '^TestLoad$$' -v ./internal/cli/

## fuzz: each fuzz target for $(FUZZTIME), 2 minutes unless told (make fuzz FUZZTIME=30m)
## The test binary of each package with fuzz targets is built once, instrumented for
## fuzzing (go test -c -fuzz), and runs each of its targets in the package's directory
## (seeds and new crashers in testdata/fuzz/), with go test's corpus cache
## (FUZZCACHE=fresh: an empty one, removed after).
# In this checkout's build/, so that two checkouts' make test never share binaries.
FUZZBIN = $(CURDIR)/build/fuzz
fuzz:
	@set -e; mkdir -p $(FUZZBIN); cache=$$(go env GOCACHE)/fuzz; \
	if [ "$(FUZZCACHE)" = fresh ]; then cache=$$(mktemp -d $(FUZZBIN)/cache.XXXXXX); trap 'rm -rf "$$cache"' EXIT; fi; \
	for pkg in $$(go list ./...); do \
	  dir=$$(go list -f '{{.Dir}}' $$pkg); \
	  grep -qs '^func Fuzz' $$dir/*_test.go || continue; \
	  bin=$(FUZZBIN)/$$(echo $$pkg | tr / _).test; rm -f $$bin; \
	  go test -c -fuzz '^Fuzz' -o $$bin $$pkg; \
	  [ -x $$bin ] || continue; \
	  for t in $$(cd $$dir && $$bin -test.list '^Fuzz' | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$t ($(FUZZTIME))"; \
	    log=$(FUZZBIN)/$$t.log; \
	    for try in 1 2 3; do \
	      if (cd $$dir && $$bin -test.run '^$$' -test.fuzz "^$$t\$$" -test.fuzztime $(FUZZTIME) -test.fuzzminimizetime 0 \
	          -test.fuzzcachedir $$cache/$$pkg -test.paniconexit0 -test.timeout 0) >$$log 2>&1; then break; fi; \
	      if grep -q 'Failing input written' $$log || ! grep -q 'context deadline exceeded' $$log || [ $$try = 3 ]; then cat $$log; exit 1; fi; \
	      echo "  retry: Go's fuzz coordinator race at the time limit (go.dev/issue/75804), no input found"; \
	    done; \
	    grep -E '^fuzz: elapsed' $$log | tail -1; \
	  done; \
	  rm -f $$bin; \
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

## package: the .deb and .rpm for amd64 and arm64, a Windows .zip for amd64 and arm64 and
## SHA256SUMS in dist/ (nFPM, packaging/zip: packaging/README.md)
PKG_NAME   := check-creatio-oauth
PKG_ARCHES := amd64 arm64
PKG_BUILD  := build/package
PKG_EPOCH   = $(shell packaging/version -epoch)
# the Windows zip: the .exe, README.md, LICENSE and contrib/windows/ as examples/
WIN_ARCHES   := amd64 arm64
WIN_EXAMPLES := $(sort $(wildcard contrib/windows/*))
WIN_ZIP       = dist/$(BIN)-$(VERSION)-windows-$$arch.zip
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
	$(MAKE) --no-print-directory package-windows VERSION=$(VERSION)

## package-windows: the Windows zips and SHA256SUMS only, into dist/ (make package runs it)
package-windows:
	@test -n "$(VERSION)" || { echo "packaging/version failed"; exit 1; }
	mkdir -p dist $(PKG_BUILD)
	go build -o $(PKG_BUILD)/zip ./packaging/zip
	@# --version is the linker's -X, as on Linux (-trimpath keeps -ldflags out of go version -m, so the
	@# string is looked for; the .exe's --version runs under Wine: contrib/integration/run windows)
	@set -e; for arch in $(WIN_ARCHES); do \
	  exe=$(PKG_BUILD)/windows_$$arch/$(BIN).exe; \
	  echo "CGO_ENABLED=0 GOOS=windows GOARCH=$$arch go build -trimpath -ldflags \"$(LDFLAGS)\" -o $$exe ."; \
	  CGO_ENABLED=0 GOOS=windows GOARCH=$$arch go build -trimpath -ldflags "$(LDFLAGS)" -o $$exe .; \
	  grep -qaF -- '$(VERSION)' $$exe || { echo "$$exe: no $(VERSION) in it (-X $(VERSION_SYMBOL))"; exit 1; }; \
	  for m in $$(go version -m $$exe | awk '$$1 == "dep" { print $$2 }'); do \
	    grep -qF " $$m/*" packaging/copyright || { echo "packaging/copyright does not name $$m, linked into $$exe"; exit 1; }; \
	  done; \
	  echo "$(PKG_BUILD)/zip -o $(WIN_ZIP) -epoch $(PKG_EPOCH) $(BIN).exe README.md LICENSE $(WIN_EXAMPLES:contrib/windows/%=examples/%)"; \
	  $(PKG_BUILD)/zip -o $(WIN_ZIP) -epoch $(PKG_EPOCH) $(BIN).exe=$$exe README.md=README.md LICENSE=LICENSE \
	    $(foreach f,$(WIN_EXAMPLES),examples/$(notdir $(f))=$(f)); \
	done
	$(PKG_BUILD)/zip -sums dist

## package-test: make package, then install, use, inspect and purge the .deb here (root, Debian 12)
package-test:
	.ci/package

## clean: remove the binary, build/ and dist/ (the staticcheck in $(TOOLS) stays)
clean:
	rm -rf $(BIN) dist build
