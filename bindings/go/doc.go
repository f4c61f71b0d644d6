// Package tq is the Go binding of tq, a thread-safe blocking queue with the
// semantics of Python's queue.Queue (bounded or unbounded, blocking Put and
// Get with timeouts, TaskDone/Join, Shutdown), implemented in Rust behind a C
// ABI and called here through cgo.
//
// # Building
//
// The package finds the C library with pkg-config (`#cgo pkg-config: tq`),
// so go build, go test, go vet and gopls need no CGO_* variables. For tq
// installed under a prefix pkg-config does not search, set
//
//	PKG_CONFIG_PATH=<prefix>/lib/pkgconfig
//
// A program linked against libtq.so from such a prefix also needs to find
// libtq.so.0 when it runs (LD_LIBRARY_PATH=<prefix>/lib); one linked
// against libtq.a does not. scripts/test-go.sh builds libtq and points
// PKG_CONFIG_PATH at a tq.pc for the build tree (libtq.a only).
//
// # Items and timeouts
//
// A Queue[T] holds Go values of type T. Each value crosses into C as a
// runtime/cgo.Handle, so any value, pointers included, can be queued; the
// handle is released when the value is taken out, discarded by an immediate
// Shutdown, or left in the queue at Close.
//
// Every blocking call takes a time.Duration: NoWait (0) never blocks, a
// positive duration waits at most that long, Forever (any negative duration) waits without limit.
// Failures are the sentinel errors ErrFull, ErrEmpty, ErrShutDown and so on,
// to be tested with errors.Is. They are the C library's statuses: the
// binding does not check arguments the library checks, so NewWithOptions
// returns what tq_create says (ErrInvalid for an unknown order, ErrNoMem).
//
// # Closing
//
// Close shuts the queue down immediately, marks every unfinished task done
// (tq_task_done_all), so that a Join blocked in another goroutine returns
// ErrShutDown, and frees the queue once no call is inside the C library.
//
// # Waiting
//
// The binding never waits inside the C library: every call into it is a
// try that does not block (TQ_NOWAIT), and a goroutine blocked in Put, Get,
// Join (their Many and Ctx forms too) waits on Go channels between tries,
// holding no OS thread, so any number of them can wait. The first wait for
// a get (or a put) on a queue makes the queue's descriptor for it
// (tq_get_fd, tq_put_fd) and one goroutine that watches a duplicate of it
// through Go's network poller, until Close. Each time the descriptor turns
// readable, the longest-waiting call tries again; one that got something
// (or found the queue shut down) wakes the next, so a burst of items or a
// Shutdown wakes as many calls as it must, one after the other. A Join
// waits for the TaskDone that finishes the last task. From the first wait
// on, the C library makes a system call each time the queue turns empty or
// not (full or not). When the system refuses a descriptor, a call that
// would wait returns ErrSystem.
//
// PutCtx, GetCtx and JoinCtx return ctx.Err() as soon as their context is
// done. To wait for a queue in a select, beside channels and contexts,
// take a channel from ReadyToGet (or ReadyToPut): it is closed once a get
// (a put) may succeed, and the item is then taken with Get(NoWait), so
// nothing is taken, nor lost, when the select picks another case.
//
// # Race detector
//
// The race detector treats every cgo call as a synchronisation point, so
// what the C library orders is ordered for it too: a value written before
// Put is safely read after Get, results written before TaskDone are safely
// read after the Join it releases.
package tq
