package tq_test

import (
	"errors"
	"fmt"

	tq "github.com/tq-project/tq/bindings/go"
)

// A producer puts items, a consumer goroutine processes them and marks each
// one done, and Join waits until all of them are.
func ExampleQueue() {
	q, err := tq.New[int](0)
	if err != nil {
		panic(err)
	}
	defer q.Close()

	consumerDone := make(chan struct{})
	go func() {
		defer close(consumerDone)
		for {
			item, err := q.Get(tq.Forever)
			if errors.Is(err, tq.ErrShutDown) {
				return
			}
			fmt.Println("Processing item", item)
			_ = q.TaskDone()
		}
	}()

	for i := 1; i <= 5; i++ {
		_ = q.Put(i, tq.Forever)
	}
	_ = q.Join(tq.Forever)
	fmt.Println("All items processed")
	q.Shutdown(false)
	<-consumerDone
	// Output:
	// Processing item 1
	// Processing item 2
	// Processing item 3
	// Processing item 4
	// Processing item 5
	// All items processed
}
