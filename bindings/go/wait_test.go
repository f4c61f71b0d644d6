package tq

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
	"testing"
	"time"
)

// inLine fails the test unless n calls wait in line for s within patience.
func inLine(t *testing.T, s *signal, n int) {
	t.Helper()
	for deadline := time.Now().Add(patience); s.waiting() != n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d calls wait in line, want %d", s.waiting(), n)
		}
	}
}

// fewThreads caps the process at 200 OS threads until the test ends. A
// goroutine waiting in C would hold a thread each: past the cap the runtime
// kills the process ("thread exhaustion").
func fewThreads(t *testing.T) {
	old := debug.SetMaxThreads(200)
	t.Cleanup(func() { debug.SetMaxThreads(old) })
}

// allOf fails the test unless ch yields the n values 1..n, each once.
func allOf(t *testing.T, ch <-chan int, n int) {
	t.Helper()
	seen := make([]bool, n+1)
	sum := 0
	for range n {
		v := await(t, ch)
		if v < 1 || v > n || seen[v] {
			t.Fatalf("got %d: out of 1..%d or twice", v, n)
		}
		seen[v] = true
		sum += v
	}
	if sum != n*(n+1)/2 {
		t.Fatalf("values sum to %d, want %d", sum, n*(n+1)/2)
	}
}

// Thousands of blocked calls hold no OS thread, and each wakes when it can go on.
func TestWaitingHoldsNoThread(t *testing.T) {
	t.Run("10000 gets", func(t *testing.T) {
		fewThreads(t)
		const n = 10000
		q := newQueue[int](t, Options{})
		got, errs := make(chan int, n), make(chan error, n)
		for range n {
			go func() {
				v, err := q.Get(Forever)
				errs <- err
				got <- v
			}()
		}
		inLine(t, q.c.gets, n)
		// Half one by one, half in one call: one edge of the descriptor
		// then has to wake thousands of calls, one after the other.
		for i := 1; i <= n/2; i++ {
			check(t, "Put", q.Put(i, NoWait), nil)
		}
		rest := make([]int, 0, n/2)
		for i := n/2 + 1; i <= n; i++ {
			rest = append(rest, i)
		}
		if k, err := q.PutMany(rest, NoWait); k != len(rest) || err != nil {
			t.Fatalf("PutMany = %d, %v", k, err)
		}
		for range n {
			check(t, "woken Get", await(t, errs), nil)
		}
		allOf(t, got, n)
		if q.Qsize() != 0 || q.c.gets.waiting() != 0 {
			t.Fatalf("qsize %d, %d calls in line", q.Qsize(), q.c.gets.waiting())
		}
	})

	t.Run("1000 gets until Close", func(t *testing.T) {
		fewThreads(t)
		const n = 1000
		q, _ := New[int](0)
		errs := make(chan error, n)
		for range n {
			go func() { _, err := q.Get(Forever); errs <- err }()
		}
		inLine(t, q.c.gets, n)
		q.Close()
		for range n {
			check(t, "Get woken by Close", await(t, errs), ErrShutDown)
		}
	})

	t.Run("1000 puts", func(t *testing.T) {
		fewThreads(t)
		const n = 1000
		q := newQueue[int](t, Options{Maxsize: 1})
		check(t, "Put", q.Put(n+1, NoWait), nil)
		errs := make(chan error, n)
		for i := 1; i <= n; i++ {
			go func() { errs <- q.Put(i, Forever) }()
		}
		inLine(t, q.c.puts, n)
		got := make(chan int, n+1)
		for range n + 1 {
			v, err := q.Get(patience)
			check(t, "Get", err, nil)
			got <- v
		}
		allOf(t, got, n+1)
		for range n {
			check(t, "woken Put", await(t, errs), nil)
		}
	})

	t.Run("1000 joins", func(t *testing.T) {
		fewThreads(t)
		const n = 1000
		q := newQueue[int](t, Options{})
		check(t, "Put", q.Put(1, NoWait), nil)
		errs := make(chan error, n)
		for range n {
			go func() { errs <- q.Join(Forever) }()
		}
		inLine(t, q.c.joins, n)
		_ = get(t, q)
		check(t, "TaskDone", q.TaskDone(), nil)
		for range n {
			check(t, "woken Join", await(t, errs), nil)
		}
	})
}

// A blocked Ctx call gives up as soon as its context is cancelled, and
// leaves the line.
func TestContextCancelWakes(t *testing.T) {
	full := newQueue[int](t, Options{Maxsize: 1})
	check(t, "Put", full.Put(1, NoWait), nil) // full, with a task unfinished
	empty := newQueue[int](t, Options{})
	base := liveHandles.Load()
	for _, tc := range []struct {
		name string
		s    *signal
		call func(ctx context.Context) error
	}{
		{"GetCtx", empty.c.gets, func(ctx context.Context) error { _, err := empty.GetCtx(ctx); return err }},
		{"PutCtx", full.c.puts, func(ctx context.Context) error { return full.PutCtx(ctx, 2) }},
		{"JoinCtx", full.c.joins, full.JoinCtx},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		done := async(func() error { return tc.call(ctx) })
		inLine(t, tc.s, 1)
		start := time.Now()
		cancel()
		check(t, tc.name, await(t, done), context.Canceled)
		if took := time.Since(start); took > time.Second {
			t.Fatalf("%s returned %v after the cancel", tc.name, took)
		}
		if n := tc.s.waiting(); n != 0 {
			t.Fatalf("%s left %d calls in line", tc.name, n)
		}
	}
	handlesSince(t, base, 0)
}

// Turns go to the oldest waiter; one that leaves with an unused turn passes
// it on; a notify nobody waits for is not kept. The channels next hands out
// are closed by notify, not by pass.
func TestSignalTurns(t *testing.T) {
	var s signal
	turned := func(name string, w *waiter, want bool) {
		t.Helper()
		select {
		case <-w.turn:
			if !want {
				t.Fatalf("%s has the turn", name)
			}
		default:
			if want {
				t.Fatalf("%s does not have the turn", name)
			}
		}
	}
	a, b, c := s.enter(), s.enter(), s.enter()
	s.notify()
	turned("a", a, true)
	turned("b", b, false)
	s.leave(a) // without trying: b gets the turn
	turned("b", b, true)
	turned("c", c, false)
	s.leave(c)
	s.leave(b)
	if n := s.waiting(); n != 0 {
		t.Fatalf("%d in line after all left", n)
	}
	s.notify()
	d := s.enter()
	turned("d", d, false)
	s.leave(d)

	r := s.next()
	if s.next() != r {
		t.Fatal("next handed out two channels before a notify")
	}
	s.pass()
	select {
	case <-r:
		t.Fatal("pass closed the ready channel")
	default:
	}
	s.notify()
	<-r
	if s.next() == r {
		t.Fatal("next handed out a closed channel after the notify")
	}
}

// Close ends the goroutines that watch the descriptors.
func TestCloseStopsWatchers(t *testing.T) {
	base := runtime.NumGoroutine()
	var qs []*Queue[int]
	for range 20 {
		q, err := New[int](1)
		check(t, "New", err, nil)
		_, err = q.Get(time.Millisecond)
		check(t, "Get", err, ErrEmpty)
		check(t, "Put", q.Put(1, NoWait), nil)
		check(t, "Put", q.Put(2, time.Millisecond), ErrFull)
		if q.c.gets.file == nil || q.c.puts.file == nil {
			t.Fatal("a wait did not watch the descriptor")
		}
		qs = append(qs, q)
	}
	for _, q := range qs {
		q.Close()
	}
	for deadline := time.Now().Add(patience); runtime.NumGoroutine() > base; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after Close, %d before the queues", runtime.NumGoroutine(), base)
		}
	}
}

// A wait the system refuses a descriptor for fails with ErrSystem, both when
// the library cannot make its descriptor and when the binding cannot
// duplicate it; once descriptors are to be had, the next wait works.
func TestNoDescriptor(t *testing.T) {
	q := newQueue[int](t, Options{})
	var limit syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &limit); err != nil {
		t.Skip("getrlimit:", err)
	}
	probe, err := os.Open(os.DevNull)
	check(t, "open", err, nil)
	free := uint64(probe.Fd()) // the lowest free number: none below it is
	probe.Close()

	var errs []error
	for _, cur := range []uint64{free, free + 1} { // no descriptor; one, for the library
		low := limit
		low.Cur = cur
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
			t.Skip("setrlimit:", err)
		}
		_, err := q.Get(time.Millisecond)
		_, rerr := q.ReadyToGet()
		errs = append(errs, err, rerr)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &limit); err != nil {
		t.Fatal("restoring the limit:", err)
	}
	for _, err := range errs {
		check(t, "wait without a descriptor", err, ErrSystem)
	}
	_, err = q.Get(time.Millisecond)
	check(t, "Get", err, ErrEmpty)
	check(t, "Put", q.Put(1, NoWait), nil)
	if v, err := q.Get(Forever); v != 1 || err != nil {
		t.Fatalf("Get = %d, %v", v, err)
	}
}

// TestTrickleToManyGetters puts items one at a time, with pauses, to many
// blocked getters, so that tries finding nothing keep racing puts and the
// descriptor keeps flipping: a wake-up lost on the way leaves an item
// queued and the test waiting for it.
func TestTrickleToManyGetters(t *testing.T) {
	const getters, items = 8, 4000
	q, err := New[int](0)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	got := make(chan int, items)
	for range getters {
		go func() {
			for {
				v, err := q.Get(Forever)
				if err != nil {
					return
				}
				got <- v
			}
		}()
	}
	for i := 1; i <= items; i++ {
		if err := q.Put(i, NoWait); err != nil {
			t.Fatal(err)
		}
		if i%16 == 0 {
			runtime.Gosched()
		}
	}
	allOf(t, got, items)
}
