module github.com/tq-project/tq/bindings/go

go 1.22
