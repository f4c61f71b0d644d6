package tq

/*
// pkg-config finds tq.h and libtq (tq.pc), so building needs no CGO_*
// variable: PKG_CONFIG_PATH is all a non-system prefix needs (doc.go says
// what running needs).
#cgo pkg-config: tq
#include <poll.h>
#include <stdint.h>
#include "tq.h"

// Exported from Go (handles.go).
extern void tqGoDropHandle(uintptr_t h);

// The queue's destroy callback: releases the handle of an item it drops.
static void tq_go_destroy(void *item, void *ctx) {
	(void)ctx;
	tqGoDropHandle((uintptr_t)item);
}

// Creates into *q a queue whose dropped items go back to Go; tq_create's
// status (TQ_INVALID for options it rejects, TQ_NOMEM).
static enum tq_status tq_go_create(tq_order order, size_t maxsize, tq_queue **q) {
	tq_options o = {sizeof(tq_options), order, maxsize, tq_go_destroy, NULL};
	return tq_create(&o, q);
}

// The item calls, with handles as integers so that Go never holds a fake
// pointer. None of them waits (TQ_NOWAIT): goroutines wait in Go (wait.go).

static enum tq_status tq_go_put(tq_queue *q, uintptr_t h, int64_t priority, int prioritized) {
	return prioritized ? tq_put_priority(q, (void *)h, priority, TQ_NOWAIT)
	                   : tq_put(q, (void *)h, TQ_NOWAIT);
}

static enum tq_status tq_go_get(tq_queue *q, uintptr_t *h) {
	void *item = NULL;
	enum tq_status s = tq_get(q, &item, TQ_NOWAIT);
	*h = (uintptr_t)item;
	return s;
}

static enum tq_status tq_go_put_many(tq_queue *q, uintptr_t *hs, size_t n, size_t *n_put) {
	return tq_put_many(q, (void *const *)hs, n, n_put, TQ_NOWAIT);
}

static enum tq_status tq_go_get_many(tq_queue *q, uintptr_t *hs, size_t max, size_t *n_got) {
	return tq_get_many(q, (void **)hs, max, n_got, TQ_NOWAIT);
}

// The queue's descriptor for puts (tq_put_fd) or gets (tq_get_fd).
static enum tq_status tq_go_fd(tq_queue *q, int put, int *fd) {
	return put ? tq_put_fd(q, fd) : tq_get_fd(q, fd);
}

// Sets *readable to whether that descriptor polls readable now; a failed
// poll counts as readable, so that the caller just tries.
static enum tq_status tq_go_poll(tq_queue *q, int put, int *readable) {
	int fd;
	enum tq_status s = tq_go_fd(q, put, &fd);
	if (s == TQ_OK) {
		struct pollfd p = {fd, POLLIN, 0};
		*readable = poll(&p, 1, 0) == 1;
	}
	return s;
}
*/
import "C"

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// core owns one C queue; every call into libtq goes through it. Calls hold
// mu shared while they run, close holds it exclusively to free the queue, so
// no call ever sees the queue freed under it. No call waits in C: the
// blocking calls wait in Go for their signal (wait.go) between tries.
type core struct {
	mu      sync.RWMutex
	p       *C.tq_queue // nil once closed
	closing atomic.Bool // set when close begins

	// What wakes the waiting gets, puts and joins; separate objects, so that
	// their watchers do not keep the queue alive.
	gets, puts, joins *signal
}

// open creates the C queue with tq_create, which decides which options are
// valid: its ErrInvalid or ErrNoMem comes back as is. maxsize <= 0 means
// unbounded; an order that tq_order cannot hold is ErrInvalid without a call.
func (c *core) open(order Order, maxsize int) error {
	o := C.tq_order(order)
	if Order(o) != order {
		return ErrInvalid
	}
	var p *C.tq_queue
	if err := errOf(C.tq_go_create(o, csize(maxsize), &p)); err != nil {
		return err
	}
	c.p = p
	c.gets, c.puts, c.joins = new(signal), new(signal), new(signal)
	return nil
}

// csize converts a Go count to size_t, negatives becoming 0.
func csize(n int) C.size_t {
	if n < 0 {
		return 0
	}
	return C.size_t(n)
}

// do runs f on the live queue and reports whether it could (false once closed).
func (c *core) do(f func(p *C.tq_queue)) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.p == nil {
		return false
	}
	f(c.p)
	return true
}

// call runs a status-returning f on the live queue; ErrShutDown once closed.
func (c *core) call(f func(p *C.tq_queue) C.enum_tq_status) error {
	var s C.enum_tq_status
	if !c.do(func(p *C.tq_queue) { s = f(p) }) {
		return ErrShutDown
	}
	return errOf(s)
}

// put queues the handle h, with a priority when prioritized; ErrFull when
// there is no room now.
func (c *core) put(h uintptr, priority int64, prioritized bool) error {
	flag := C.int(0)
	if prioritized {
		flag = 1
	}
	return c.call(func(p *C.tq_queue) C.enum_tq_status {
		return C.tq_go_put(p, C.uintptr_t(h), C.int64_t(priority), flag)
	})
}

// get takes the next handle; ErrEmpty when there is none now.
func (c *core) get() (uintptr, error) {
	var h C.uintptr_t
	err := c.call(func(p *C.tq_queue) C.enum_tq_status { return C.tq_go_get(p, &h) })
	return uintptr(h), err
}

// putMany queues the prefix of hs that fits now and returns its length.
func (c *core) putMany(hs []uintptr) (int, error) {
	var n C.size_t
	err := c.call(func(p *C.tq_queue) C.enum_tq_status {
		return C.tq_go_put_many(p, handlePtr(hs), C.size_t(len(hs)), &n)
	})
	return int(n), err
}

// getMany fills a prefix of hs with the handles queued now and returns its length.
func (c *core) getMany(hs []uintptr) (int, error) {
	var n C.size_t
	err := c.call(func(p *C.tq_queue) C.enum_tq_status {
		return C.tq_go_get_many(p, handlePtr(hs), C.size_t(len(hs)), &n)
	})
	return int(n), err
}

// handlePtr is hs as a C array (never NULL: hs is never a nil slice here).
func handlePtr(hs []uintptr) *C.uintptr_t {
	return (*C.uintptr_t)(unsafe.Pointer(unsafe.SliceData(hs)))
}

// taskDone marks n tasks done, all or nothing.
func (c *core) taskDone(n int) error {
	err := c.call(func(p *C.tq_queue) C.enum_tq_status { return C.tq_task_done_n(p, csize(n)) })
	if err == nil {
		c.joinedIfDone()
	}
	return err
}

// joinedIfDone notifies the waiting joins when no task is unfinished. Every
// task done on a Go queue goes through taskDone, shutdown or close, which
// call it. A join that enters after the look at waiting tries after the
// task was done, so it needs no notify.
func (c *core) joinedIfDone() {
	if c.joins.waiting() > 0 && c.unfinished() == 0 {
		c.joins.notify()
	}
}

// join reports whether every task is done (ErrTimeout if not) without
// waiting; ErrShutDown once the queue is closing.
func (c *core) join() error {
	err := c.call(func(p *C.tq_queue) C.enum_tq_status { return C.tq_join(p, C.TQ_NOWAIT) })
	if c.closing.Load() {
		return ErrShutDown
	}
	return err
}

// watch makes the queue's descriptor notify s (tq_get_fd's for c.gets,
// tq_put_fd's for c.puts) if it does not yet; the TQ_SYSTEM of a
// descriptor the system refuses is ErrSystem. The joins have no
// descriptor: joinedIfDone notifies them.
func (c *core) watch(s *signal) error {
	var err error
	if !c.do(func(p *C.tq_queue) {
		if s == c.joins {
			return
		}
		err = s.watch(func() (int, error) {
			var fd C.int
			err := errOf(C.tq_go_fd(p, c.isPuts(s), &fd))
			return int(fd), err
		})
	}) {
		return ErrShutDown
	}
	return err
}

// readable reports whether the descriptor behind s polls readable now.
func (c *core) readable(s *signal) (bool, error) {
	var r C.int
	err := c.call(func(p *C.tq_queue) C.enum_tq_status { return C.tq_go_poll(p, c.isPuts(s), &r) })
	return r != 0, err
}

// isPuts is 1 for c.puts, 0 for c.gets: tq_go_fd's put argument.
func (c *core) isPuts(s *signal) C.int {
	if s == c.puts {
		return 1
	}
	return 0
}

// shutdown shuts the queue down; a no-op once closed.
func (c *core) shutdown(immediate bool) {
	if c.do(func(p *C.tq_queue) { C.tq_shutdown(p, C.bool(immediate)) }) && immediate {
		c.joinedIfDone()
	}
}

// setMaxsize changes the bound; maxsize <= 0 means unbounded.
func (c *core) setMaxsize(maxsize int) error {
	return c.call(func(p *C.tq_queue) C.enum_tq_status { return C.tq_set_maxsize(p, csize(maxsize)) })
}

// count returns f's answer, 0 once closed.
func (c *core) count(f func(p *C.tq_queue) C.size_t) int {
	var n C.size_t
	c.do(func(p *C.tq_queue) { n = f(p) })
	return int(n)
}

// qsize, maxsize and unfinished return the C queries' answers (0 once closed).
func (c *core) qsize() int {
	return c.count(func(p *C.tq_queue) C.size_t { return C.tq_qsize(p) })
}

func (c *core) maxsize() int {
	return c.count(func(p *C.tq_queue) C.size_t { return C.tq_maxsize(p) })
}

func (c *core) unfinished() int {
	return c.count(func(p *C.tq_queue) C.size_t { return C.tq_unfinished(p) })
}

// full reports whether the queue is at its bound (false once closed).
func (c *core) full() bool {
	var b C.bool
	c.do(func(p *C.tq_queue) { b = C.tq_full(p) })
	return bool(b)
}

// isShutdown reports whether the queue was shut down or closed.
func (c *core) isShutdown() bool {
	b := C.bool(true)
	c.do(func(p *C.tq_queue) { b = C.tq_is_shutdown(p) })
	return bool(b)
}

// close shuts the queue down immediately (releasing the handles of what it
// held), marks every unfinished task done with tq_task_done_all, waits for
// calls in flight to return, frees the queue, stops the watchers and
// notifies every signal: each waiting call, woken in turn, finds the queue
// closed (ErrShutDown) and passes the turn on. Later calls do nothing.
func (c *core) close() {
	if c.closing.Swap(true) {
		return
	}
	c.do(func(p *C.tq_queue) {
		C.tq_shutdown(p, true)
		// TQ_OK on a live queue with a non-NULL count, which close does not need.
		var n C.size_t
		C.tq_task_done_all(p, &n)
	})
	c.mu.Lock()
	p := c.p
	c.p = nil
	c.mu.Unlock()
	if p == nil {
		return // never opened
	}
	C.tq_free(p)
	for _, s := range []*signal{c.gets, c.puts, c.joins} {
		s.stop()
		s.notify()
	}
}
