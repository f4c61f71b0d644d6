package main

import (
	"strings"
	"testing"
)

// Every item is processed once, in order, before "All items processed".
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out, 3); err != nil {
		t.Fatal(err)
	}
	want := "Processing item 1\nProcessing item 2\nProcessing item 3\nAll items processed\n"
	if out.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
