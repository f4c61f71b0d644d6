package tq

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// isClosed reports whether ch is closed now.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// closesWithin reports whether ch is closed within d.
func closesWithin(ch <-chan struct{}, d time.Duration) bool {
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}

// readyChan returns ready's channel, failing the test on an error.
func readyChan(t *testing.T, ready func() (<-chan struct{}, error)) <-chan struct{} {
	t.Helper()
	ch, err := ready()
	check(t, "ready", err, nil)
	return ch
}

func TestReadyToGet(t *testing.T) {
	q := newQueue[int](t, Options{})
	ready := readyChan(t, q.ReadyToGet)
	if closesWithin(ready, 20*time.Millisecond) {
		t.Fatal("ready on an empty queue")
	}
	check(t, "Put", q.Put(1, NoWait), nil)
	check(t, "Put", q.Put(2, NoWait), nil)
	if !closesWithin(ready, patience) {
		t.Fatal("a put did not close the channel")
	}
	// While items are queued the channel comes closed: no edge is coming.
	for want := 1; want <= 2; want++ {
		if !isClosed(readyChan(t, q.ReadyToGet)) {
			t.Fatalf("not ready with %d items queued", q.Qsize())
		}
		if v := get(t, q); v != want {
			t.Fatalf("Get = %d, want %d", v, want)
		}
	}
	ready = readyChan(t, q.ReadyToGet)
	if closesWithin(ready, 20*time.Millisecond) {
		t.Fatal("ready on a drained queue")
	}
	q.Shutdown(false)
	if !closesWithin(ready, patience) {
		t.Fatal("Shutdown did not close the channel")
	}
	_, err := q.Get(NoWait)
	check(t, "Get", err, ErrShutDown)

	open, _ := New[int](0)
	ready = readyChan(t, open.ReadyToGet)
	open.Close()
	if !isClosed(ready) {
		t.Fatal("Close did not close a channel handed out before")
	}
}

func TestReadyToPut(t *testing.T) {
	q := newQueue[int](t, Options{Maxsize: 1})
	if !isClosed(readyChan(t, q.ReadyToPut)) {
		t.Fatal("not ready with room")
	}
	check(t, "Put", q.Put(1, NoWait), nil)
	room := readyChan(t, q.ReadyToPut)
	if closesWithin(room, 20*time.Millisecond) {
		t.Fatal("ready on a full queue")
	}
	_ = get(t, q)
	if !closesWithin(room, patience) {
		t.Fatal("a get did not close the channel")
	}
	check(t, "Put", q.Put(2, NoWait), nil)
}

// Consumers select on a queue beside a channel and a context, racing each
// other and a plain GetCtx: every item is got exactly once, every message
// is received, and a cancel ends them all.
func TestSelect(t *testing.T) {
	const items, every = 3000, 10 // a message after every 10th item
	q := newQueue[int](t, Options{})
	messages := make(chan int)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan int, items)
	var received atomic.Int64
	var consumers sync.WaitGroup
	defer consumers.Wait() // no consumer outlives the test, even a failed one
	defer cancel()
	for range 3 {
		consumers.Add(1)
		go func() {
			defer consumers.Done()
			for {
				ready, err := q.ReadyToGet()
				if err != nil {
					t.Error("ReadyToGet:", err)
					return
				}
				select {
				case <-ready:
					v, err := q.Get(NoWait)
					if errors.Is(err, ErrEmpty) {
						continue // another consumer was first
					}
					if err != nil {
						t.Error("Get:", err)
						return
					}
					got <- v
				case <-messages:
					received.Add(1)
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	consumers.Add(1)
	go func() {
		defer consumers.Done()
		for {
			v, err := q.GetCtx(ctx)
			if err != nil {
				return
			}
			got <- v
		}
	}()

	for i := 1; i <= items; i++ {
		check(t, "Put", q.Put(i, NoWait), nil)
		if i%every == 0 {
			messages <- i
			time.Sleep(100 * time.Microsecond) // let the consumers drain and wait
		}
	}
	allOf(t, got, items)
	cancel()
	consumers.Wait()
	if n := received.Load(); n != items/every {
		t.Fatalf("received %d messages, want %d", n, items/every)
	}
	if q.Qsize() != 0 || len(got) != 0 {
		t.Fatalf("qsize %d, %d more got", q.Qsize(), len(got))
	}
}
