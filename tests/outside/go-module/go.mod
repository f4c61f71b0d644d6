module example.com/tq-outside

go 1.22

require github.com/tq-project/tq/bindings/go v0.1.0

// scripts/test-go.sh copies this module out of the repository and points
// the replace directive at the checkout's bindings/go.
replace github.com/tq-project/tq/bindings/go => ../../../bindings/go
