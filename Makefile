# esgen: `make test` is the test command CI runs (.ci/run).
GO ?= go
FUZZTIME ?= 30s
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin

.PHONY: all build install test vet fmt-check golden schema bench bench-process fuzz clean conformance drill

all: build

# Static (cgo off): without the dynamic loader every esgen process starts
# about 2 ms sooner, and the binary runs on any Linux.
build:
	CGO_ENABLED=0 $(GO) build -o bin/esgen ./cmd/esgen

# Install bin/esgen, and kubectl-esgen beside it: kubectl runs a
# kubectl-NAME on PATH as `kubectl NAME`, so `kubectl esgen render spec.yaml`
# works. DESTDIR is for packagers.
install: build
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 bin/esgen $(DESTDIR)$(BINDIR)/esgen
	ln -sf esgen $(DESTDIR)$(BINDIR)/kubectl-esgen

test: fmt-check vet
	$(GO) test -race -count=1 -timeout 30m ./...

vet:
	$(GO) vet ./...

# Check every golden and the property tests' generated specs with
# Kubernetes' own defaulting and validation code: the conformance module,
# which downloads k8s.io/kubernetes (ESGEN_SPECS=n checks n specs, default
# 500). -mod=mod lets it follow dependencies the root module adds.
conformance:
	cd conformance && $(GO) vet -mod=mod . && $(GO) test -mod=mod -count=1 .

# Run the drills: esgen's renders on Kubernetes' own API server, scheduler
# and controllers, in-process (conformance/drill). ESGEN_DRILL_SPECS=n
# drills n generated specs (default 100). vet covers the drill's own
# packages only: vetting the control plane's would take longer than CI has.
drill:
	cd conformance && $(GO) vet -mod=mod ./drill/... ./cmd/... && $(GO) test -mod=mod -count=1 -timeout 40m ./drill/... ./cmd/...

fmt-check:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Rewrite golden/*.yaml from examples/*.yaml. Read the diff before committing.
golden:
	$(GO) test ./render -run 'TestGolden$$' -count=1 -update
	git diff --stat -- golden/ 2>/dev/null || true

# Rewrite schema/esgen.schema.json and schema/esgen.crd.yaml (the
# ElasticsearchCluster CustomResourceDefinition) from the esspec types.
schema:
	$(GO) run ./schema/gen

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Whole esgen processes against a minimal Go program that writes the same
# bytes, in 40 pairs (README, Performance). ESGEN_BENCH_ANCHOR='cmd' adds a
# pair of cmd against the render's reference program.
bench-process:
	$(GO) test ./cmd/esgen -run '^$$' -bench '^BenchmarkProcess$$' -benchtime 40x -count 1

fuzz:
	$(GO) test ./esspec -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./render -run '^$$' -fuzz '^FuzzPipeline$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./render -run '^$$' -fuzz '^FuzzProperties$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./render -run '^$$' -fuzz '^FuzzEmit$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./render/kpatch -run '^$$' -fuzz '^FuzzPatch$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./krm -run '^$$' -fuzz '^FuzzProcess$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./cmd/esgen -run '^$$' -fuzz '^FuzzFn$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s

clean:
	rm -rf bin
