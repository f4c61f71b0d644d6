// Command tq-outside is a program outside the tq repository that uses the
// Go binding as a user would: it requires the module, and libtq is found by
// pkg-config. It runs the classic producer/consumer scenario.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	tq "github.com/tq-project/tq/bindings/go"
)

func main() {
	if err := run(os.Stdout, 5); err != nil {
		fmt.Fprintln(os.Stderr, "tq-outside:", err)
		os.Exit(1)
	}
}

// run puts items 1..n into a bounded queue, a consumer goroutine processes
// each one and marks it done, and Join waits for all of them.
func run(w io.Writer, n int) error {
	q, err := tq.New[int](2)
	if err != nil {
		return err
	}
	defer q.Close()

	consumed := make(chan error, 1)
	go func() {
		for {
			item, err := q.Get(tq.Forever)
			if errors.Is(err, tq.ErrShutDown) {
				consumed <- nil
				return
			}
			if err != nil {
				consumed <- err
				return
			}
			fmt.Fprintln(w, "Processing item", item)
			if err := q.TaskDone(); err != nil {
				consumed <- err
				return
			}
		}
	}()

	for i := 1; i <= n; i++ {
		if err := q.Put(i, tq.Forever); err != nil {
			return err
		}
	}
	if err := q.Join(tq.Forever); err != nil {
		return err
	}
	fmt.Fprintln(w, "All items processed")
	q.Shutdown(false)
	return <-consumed
}
