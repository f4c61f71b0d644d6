package tq

import (
	"context"
	"time"
)

// pollSlice is the longest single wait inside a Ctx call: a goroutine blocked
// in C cannot be interrupted, so a cancelled context is noticed within it.
const pollSlice = 20 * time.Millisecond

// PutCtx adds v like Put(v, Forever), but gives up with ctx.Err() when ctx
// is done first. It waits in slices of at most 20ms, checking ctx between
// them, so cancellation takes effect within one slice.
func (q *Queue[T]) PutCtx(ctx context.Context, v T) error {
	return sendHandle(v, func(h uintptr) error {
		return retry(ctx, ErrFull, func(ms int64) error { return q.c.put(h, 0, false, ms) })
	})
}

// GetCtx takes the next item like Get(Forever), but gives up with ctx.Err()
// when ctx is done first (see PutCtx).
func (q *Queue[T]) GetCtx(ctx context.Context) (T, error) {
	var h uintptr
	err := retry(ctx, ErrEmpty, func(ms int64) (err error) {
		h, err = q.c.get(ms)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return valueOf[T](h), nil
}

// JoinCtx waits like Join(Forever), but gives up with ctx.Err() when ctx is
// done first (see PutCtx).
func (q *Queue[T]) JoinCtx(ctx context.Context) error {
	return retry(ctx, ErrTimeout, q.c.join)
}

// retry calls op with short timeouts while it fails with again, until it
// returns anything else or ctx is done.
func retry(ctx context.Context, again error, op func(ms int64) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		slice := pollSlice
		if deadline, ok := ctx.Deadline(); ok {
			slice = min(slice, max(time.Until(deadline), time.Millisecond))
		}
		if err := op(millis(slice)); err != again {
			return err
		}
	}
}
