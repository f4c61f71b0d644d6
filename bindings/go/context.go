package tq

import "context"

// PutCtx adds v like Put(v, Forever), but gives up with ctx.Err() when ctx
// is done first (at once, without trying, if it is done already).
func (q *Queue[T]) PutCtx(ctx context.Context, v T) error {
	return q.put(ctx, v, 0, false, Forever)
}

// GetCtx takes the next item like Get(Forever), but gives up with ctx.Err()
// when ctx is done first (see PutCtx).
func (q *Queue[T]) GetCtx(ctx context.Context) (T, error) {
	return q.get(ctx, Forever)
}

// JoinCtx waits like Join(Forever), but gives up with ctx.Err() when ctx is
// done first (see PutCtx).
func (q *Queue[T]) JoinCtx(ctx context.Context) error {
	return q.join(ctx, Forever)
}
