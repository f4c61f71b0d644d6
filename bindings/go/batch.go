package tq

import (
	"context"
	"time"
)

// PutMany adds items in order: it waits up to timeout until the first fits,
// then adds as many more as fit without waiting again. It returns how many
// went in; the error (ErrFull, ErrShutDown) is nil when at least one did.
func (q *Queue[T]) PutMany(items []T, timeout time.Duration) (int, error) {
	hs := make([]uintptr, len(items))
	for i, v := range items {
		hs[i] = newHandle(v)
	}
	var n int
	err := q.c.wait(context.Background(), timeout, q.c.puts, ErrFull, func() (err error) {
		n, err = q.c.putMany(hs)
		return err
	})
	for _, h := range hs[n:] {
		dropHandle(h)
	}
	return n, err
}

// maxBatch bounds the handles GetMany takes in one call, so that a huge
// limit does not allocate a huge buffer up front.
const maxBatch = 4096

// GetMany waits up to timeout until at least one item is queued, then takes
// up to limit (at most maxBatch per call) of those available, in queue order. The error (ErrEmpty,
// ErrShutDown) is nil when it took at least one; limit 0 returns at once,
// limit < 0 is ErrInvalid.
func (q *Queue[T]) GetMany(limit int, timeout time.Duration) ([]T, error) {
	if limit < 0 {
		return nil, ErrInvalid
	}
	hs := make([]uintptr, min(limit, maxBatch))
	var n int
	err := q.c.wait(context.Background(), timeout, q.c.gets, ErrEmpty, func() (err error) {
		n, err = q.c.getMany(hs)
		return err
	})
	items := make([]T, n)
	for i, h := range hs[:n] {
		items[i] = valueOf[T](h)
	}
	return items, err
}
