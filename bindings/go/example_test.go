package tq_test

import (
	"context"
	"errors"
	"fmt"
	"time"

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

// A goroutine waits for a queue, a channel and a context in one select. An
// item leaves the queue only by the explicit Get, so the select may pick
// any case without losing one.
func ExampleQueue_ReadyToGet() {
	q, err := tq.New[string](0)
	if err != nil {
		panic(err)
	}
	defer q.Close()
	messages := make(chan string)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go func() {
		messages <- "hello"
		_ = q.Put("job 1", tq.NoWait)
		_ = q.Put("job 2", tq.NoWait)
		q.Shutdown(false)
	}()

	for {
		ready, err := q.ReadyToGet() // closed once a Get may succeed
		if err != nil {
			panic(err)
		}
		select {
		case <-ready:
			job, err := q.Get(tq.NoWait)
			if errors.Is(err, tq.ErrEmpty) {
				continue // another goroutine was first
			}
			if err != nil {
				fmt.Println(err) // shut down and drained
				return
			}
			fmt.Println("job:", job)
		case m := <-messages:
			fmt.Println("message:", m)
		case <-ctx.Done():
			fmt.Println(ctx.Err())
			return
		}
	}
	// Output:
	// message: hello
	// job: job 1
	// job: job 2
	// tq: queue shut down
}
