# pgrad — the two commands a new user needs are `make run` and `make test`.
GO      ?= go
ADDR    ?= 127.0.0.1:8080
WASMEXEC = $(shell $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec

.PHONY: run test build wasm vet fmt-check test-go test-purego test-wasm test-race test-bench bench fuzz clean

## run: build the WebAssembly engine and serve the explainer (prints its URL)
run: build
	./bin/pgrad serve -addr $(ADDR)

## build: the pgrad binary, with the page and its wasm embedded
build: wasm
	$(GO) build -o bin/pgrad ./cmd/pgrad

wasm:
	$(GO) generate ./web/...

## test: everything CI runs (vet, gofmt, unit, wasm-under-node, race, browser)
test: wasm vet fmt-check test-go test-purego test-wasm test-race test-bench

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

test-go:
	$(GO) test -count=1 -timeout 30m ./...

test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" ./internal/fmath/ ./lab/ ./web/wasm/ ./nn/ ./env/control/ ./policy/mlp/ ./web/wasmdeep/ ./web/jsargs/
	# pg/deep's portable golden only: its convergence tests would take minutes in Node.
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" -run 'Portable' ./pg/deep/

test-purego:
	$(GO) test -count=1 -tags purego -short ./nn/ ./pg/deep/

test-race:
	$(GO) test -count=1 -race -short ./env/... ./pg/... ./policy/... ./lab/ ./nn/ ./web/ ./cmd/pgrad/ ./sweep/ ./stats/

# Every benchmark once, so that a benchmark broken by a change fails the suite.
test-bench:
	@echo 'go test -run=NONE -bench=. -benchtime=1x ./...'
	@out=$$($(GO) test -count=1 -run=NONE -bench=. -benchtime=1x ./... 2>&1) || { echo "$$out"; exit 1; }

## bench: Go against the reference implementations, with the ratio
bench:
	./bench/run.sh

## fuzz: every fuzz target for FUZZTIME each (the suite runs their seed corpora)
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run=NONE -fuzz=FuzzParseCells -fuzztime=$(FUZZTIME) ./internal/cells/
	$(GO) test -run=NONE -fuzz=FuzzGridWorld -fuzztime=$(FUZZTIME) ./env/
	$(GO) test -run=NONE -fuzz=FuzzGridSession -fuzztime=$(FUZZTIME) ./lab/
	$(GO) test -run=NONE -fuzz=FuzzStep -fuzztime=$(FUZZTIME) ./env/control/
	$(GO) test -run=NONE -fuzz=FuzzUnmarshal -fuzztime=$(FUZZTIME) ./nn/
	$(GO) test -run=NONE -fuzz=FuzzDecode -fuzztime=$(FUZZTIME) ./internal/ckpt/
	$(GO) test -run=NONE -fuzz=FuzzOpen -fuzztime=$(FUZZTIME) ./internal/rundir/
	$(GO) test -run=NONE -fuzz=FuzzArgs -fuzztime=$(FUZZTIME) ./web/jsargs/
	$(GO) test -run=NONE -fuzz=FuzzSettings -fuzztime=$(FUZZTIME) ./web/wasm/

clean:
	rm -rf bin web/static/pgrad.wasm web/static/pgrad.wasm.gz web/static/pgrad-deep.wasm web/static/pgrad-deep.wasm.gz web/static/wasm_exec.js web/static/bundle.js web/static/bundle-later.js
