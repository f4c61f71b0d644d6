package tq

import (
	"context"
	"time"
)

// wait runs try, a call into C that never blocks, until it returns anything
// but again: first at once, then each time s gives this call its turn. It
// gives up with again once timeout has passed (NoWait: after the first
// try; negative: never) and with ctx.Err() when ctx is done (looked at
// first, so that a done ctx tries nothing). The goroutine waits on
// channels, holding no OS thread.
func (c *core) wait(ctx context.Context, timeout time.Duration, s *signal, again error, try func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := try(); err != again || timeout == 0 {
		return err
	}
	if err := c.watch(s); err != nil {
		return err
	}
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	woken := false // whether the coming try uses a turn s gave this call
	for {
		// In line before the try: a notify after a try that finds nothing
		// (which also lowers a stale descriptor) reaches this call.
		w := s.enter()
		err := try()
		if err != again {
			s.leave(w)
			if woken {
				s.pass() // there may be more to do for the next in line
			}
			return err
		}
		// A try that finds nothing leaves the descriptor lowered, or raised
		// with a fresh edge (what it missed came meanwhile): either way the
		// watcher notifies after it, and this call is in line.
		select {
		case <-w.turn:
			woken = true
		case <-expired:
			s.leave(w)
			return again
		case <-ctx.Done():
			s.leave(w)
			return ctx.Err()
		}
	}
}

// ready returns a channel closed once the call s stands for may succeed:
// closed already when the queue's descriptor polls readable now.
func (c *core) ready(s *signal) (<-chan struct{}, error) {
	if err := c.watch(s); err != nil {
		return nil, err
	}
	ch := s.next() // before the poll: the watcher closes it on any later raise
	readable, err := c.readable(s)
	if err != nil {
		return nil, err
	}
	if readable {
		return closed, nil
	}
	return ch, nil
}

// closed is a closed channel.
var closed = func() chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}()
