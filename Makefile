.PHONY: run test test-short generate lint bench

run:
	go run ./cmd/tracer demo

test:
	scripts/test

test-short:
	go test -short ./...

generate:
	go tool templ generate

lint:
	gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$')
	go vet ./...

bench:
	scripts/bench
