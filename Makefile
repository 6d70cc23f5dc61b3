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
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 2m
# go skips testdata/ in ./... patterns: the simulator and the demo are named.
TESTDATA_PKGS := ./testdata/sim ./testdata/simulator ./testdata/demo

.PHONY: all build demo test vet race fuzz vulncheck bench integration clean

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

## integration: let Icinga 2 and Nagios 4 run the plugin (contrib/integration/run all adds Zabbix)
integration:
	contrib/integration/run

clean:
	rm -f $(BIN)
