package tq

import (
	"context"
	"runtime"
	"time"
)

// Queue is a thread-safe blocking queue of T values with Python's
// queue.Queue semantics. Make one with New or NewWithOptions and Close it
// when done (a finalizer closes a forgotten one). All methods may be called
// from any number of goroutines at once; a Queue must not be copied.
type Queue[T any] struct {
	c core
}

// New makes a FIFO queue holding at most maxsize items (0 or less: unbounded),
// like Python's Queue(maxsize).
func New[T any](maxsize int) (*Queue[T], error) {
	return NewWithOptions[T](Options{Order: FIFO, Maxsize: maxsize})
}

// NewWithOptions makes a queue with the given order and bound through the C
// library's tq_create and returns its verdict: ErrInvalid for options it
// rejects (an unknown order), ErrNoMem when out of memory.
func NewWithOptions[T any](opts Options) (*Queue[T], error) {
	q := new(Queue[T])
	if err := q.c.open(opts.Order, opts.Maxsize); err != nil {
		return nil, err
	}
	runtime.SetFinalizer(q, (*Queue[T]).Close)
	return q, nil
}

// Close shuts the queue down at once, discarding what it holds, marks every
// unfinished task done, waits for the calls inside the C library to return
// (none waits there) and frees the queue. Every goroutine blocked in it
// wakes with ErrShutDown, Join included, and the goroutines watching its
// descriptors end. Afterwards every call returns ErrShutDown and the
// queries report an empty, shut-down queue. Calling it again does nothing.
func (q *Queue[T]) Close() {
	q.c.close()
	runtime.SetFinalizer(q, nil)
}

// Put adds v, waiting up to timeout for room; ErrFull at the timeout,
// ErrShutDown once the queue is shut down. Success adds an unfinished task.
// On a Priority queue v gets priority 0.
func (q *Queue[T]) Put(v T, timeout time.Duration) error {
	return q.put(context.Background(), v, 0, false, timeout)
}

// PutPriority adds v with the given priority to a Priority queue (lowest
// first, FIFO among equals), as Put; ErrInvalid on a FIFO or LIFO queue.
func (q *Queue[T]) PutPriority(v T, priority int64, timeout time.Duration) error {
	return q.put(context.Background(), v, priority, true, timeout)
}

// put adds v as PutPriority (prioritized) or Put does, giving up with
// ctx.Err() when ctx is done first.
func (q *Queue[T]) put(ctx context.Context, v T, priority int64, prioritized bool, timeout time.Duration) error {
	return sendHandle(v, func(h uintptr) error {
		return q.c.wait(ctx, timeout, q.c.puts, ErrFull, func() error { return q.c.put(h, priority, prioritized) })
	})
}

// Get takes the next item, waiting up to timeout for one; ErrEmpty at the
// timeout, ErrShutDown once the queue is shut down and drained.
func (q *Queue[T]) Get(timeout time.Duration) (T, error) {
	return q.get(context.Background(), timeout)
}

// get takes the next item as Get does, giving up with ctx.Err() when ctx is
// done first.
func (q *Queue[T]) get(ctx context.Context, timeout time.Duration) (T, error) {
	var h uintptr
	err := q.c.wait(ctx, timeout, q.c.gets, ErrEmpty, func() (err error) {
		h, err = q.c.get()
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return valueOf[T](h), nil
}

// TaskDone marks one item taken by Get as processed (Python's task_done);
// ErrTooManyDone, changing nothing, if no task is unfinished.
func (q *Queue[T]) TaskDone() error {
	return q.c.taskDone(1)
}

// TaskDoneN marks n tasks done at once, all or nothing: ErrTooManyDone with
// no change if n exceeds the unfinished count; ErrInvalid if n < 0.
func (q *Queue[T]) TaskDoneN(n int) error {
	if n < 0 {
		return ErrInvalid
	}
	return q.c.taskDone(n)
}

// Join waits up to timeout until every item put has been marked done;
// ErrTimeout if tasks remain then. As in Python, Shutdown alone does not end
// a Join; Shutdown(true) counts the items it discards as done.
func (q *Queue[T]) Join(timeout time.Duration) error {
	return q.join(context.Background(), timeout)
}

// join waits as Join does, giving up with ctx.Err() when ctx is done first;
// ErrShutDown when the queue is closed meanwhile.
func (q *Queue[T]) join(ctx context.Context, timeout time.Duration) error {
	return q.c.wait(ctx, timeout, q.c.joins, ErrTimeout, q.c.join)
}

// Shutdown shuts the queue down (Python's shutdown): puts fail with
// ErrShutDown, gets drain what is queued and then fail with ErrShutDown, and
// every blocked goroutine wakes. With immediate, the queued items are
// discarded at once and counted as done. Calling it again is harmless.
func (q *Queue[T]) Shutdown(immediate bool) {
	q.c.shutdown(immediate)
}

// Qsize returns how many items are queued.
func (q *Queue[T]) Qsize() int { return q.c.qsize() }

// Empty reports whether no item is queued.
func (q *Queue[T]) Empty() bool { return q.c.qsize() == 0 }

// Full reports whether the queue is bounded and at its bound.
func (q *Queue[T]) Full() bool { return q.c.full() }

// Maxsize returns the bound, 0 for unbounded.
func (q *Queue[T]) Maxsize() int { return q.c.maxsize() }

// SetMaxsize changes the bound (Python's q.maxsize = n; 0 or less:
// unbounded). Shrinking keeps every queued item; putters that now fit wake.
func (q *Queue[T]) SetMaxsize(maxsize int) error { return q.c.setMaxsize(maxsize) }

// Unfinished returns how many items put are not marked done yet.
func (q *Queue[T]) Unfinished() int { return q.c.unfinished() }

// IsShutdown reports whether Shutdown or Close has been called.
func (q *Queue[T]) IsShutdown() bool { return q.c.isShutdown() }
