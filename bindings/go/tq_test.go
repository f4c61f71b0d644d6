package tq

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// patience bounds every wait for something that must happen; it is far
// longer than anything should take, so it only fires on a hang.
const patience = 10 * time.Second

// liveHandles counts the handles made and not yet released, through the
// hook that TestMain installs.
var liveHandles atomic.Int64

// TestMain counts handles for the whole run (installing the hook before any
// queue exists) and fails the run if the tests as a whole leaked one.
func TestMain(m *testing.M) {
	if handleHook != nil {
		fmt.Fprintln(os.Stderr, "FAIL: the package installs a handle hook of its own")
		os.Exit(1)
	}
	handleHook = func(delta int64) { liveHandles.Add(delta) }
	code := m.Run()
	if n := liveHandles.Load(); code == 0 && n != 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d cgo handles leaked\n", n)
		code = 1
	}
	os.Exit(code)
}

// newQueue makes a queue that is closed when the test ends.
func newQueue[T any](t *testing.T, opts Options) *Queue[T] {
	t.Helper()
	q, err := NewWithOptions[T](opts)
	if err != nil {
		t.Fatalf("NewWithOptions(%+v): %v", opts, err)
	}
	t.Cleanup(q.Close)
	return q
}

// check fails the test when err is not want (nil for success).
func check(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
}

// get takes one item without waiting and fails the test if there is none.
func get[T any](t *testing.T, q *Queue[T]) T {
	t.Helper()
	v, err := q.Get(NoWait)
	check(t, "Get", err, nil)
	return v
}

// async runs f in a goroutine and returns a channel with its result.
func async[R any](f func() R) <-chan R {
	ch := make(chan R, 1)
	go func() { ch <- f() }()
	return ch
}

// await returns the result from ch, failing the test if it takes too long.
func await[R any](t *testing.T, ch <-chan R) R {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(patience):
		t.Fatal("a blocked call never returned")
		panic("unreachable")
	}
}

// pending fails the test if ch already has a result (the call should still block).
func pending[R any](t *testing.T, ch <-chan R) {
	t.Helper()
	time.Sleep(20 * time.Millisecond) // give the call time to get there
	select {
	case r := <-ch:
		t.Fatalf("call returned %v, want it blocked", r)
	default:
	}
}

// handlesSince fails the test unless exactly want handles were made and not
// released since the count was base.
func handlesSince(t *testing.T, base int64, want int64) {
	t.Helper()
	if got := liveHandles.Load() - base; got != want {
		t.Fatalf("live handles: %d more than before, want %d", got, want)
	}
}

// The classic scenario of the design's demo: a producer puts 1..5, a
// consumer processes them and marks them done, the main goroutine joins.
func TestProducerConsumer(t *testing.T) {
	q := newQueue[int](t, Options{})
	var mu sync.Mutex
	var log []string
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		log = append(log, fmt.Sprintf(format, args...))
	}

	var producer sync.WaitGroup
	producer.Add(1)
	go func() {
		defer producer.Done()
		for i := 1; i <= 5; i++ {
			say("Inserting item %d into the queue", i)
			if err := q.Put(i, Forever); err != nil {
				t.Error(err)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	consumer := async(func() error {
		for {
			item, err := q.Get(Forever)
			if err != nil {
				return err
			}
			say("Processing item %d", item)
			time.Sleep(time.Millisecond)
			if err := q.TaskDone(); err != nil {
				return err
			}
		}
	})

	producer.Wait()
	check(t, "Join", q.Join(Forever), nil)
	say("All items processed")
	q.Shutdown(false)
	check(t, "consumer", await(t, consumer), ErrShutDown)

	mu.Lock()
	defer mu.Unlock()
	if len(log) != 11 || log[10] != "All items processed" {
		t.Fatalf("log = %q", log)
	}
	at := map[string]int{}
	for i, line := range log {
		at[line] = i
	}
	for i := 1; i <= 5; i++ {
		in, inOK := at[fmt.Sprintf("Inserting item %d into the queue", i)]
		out, outOK := at[fmt.Sprintf("Processing item %d", i)]
		if !inOK || !outOK || in > out {
			t.Fatalf("item %d: inserted at %d, processed at %d; log = %q", i, in, out, log)
		}
		if i > 1 && at[fmt.Sprintf("Processing item %d", i-1)] > out {
			t.Fatalf("item %d processed before item %d; log = %q", i, i-1, log)
		}
	}
}

func TestOrders(t *testing.T) {
	for _, tc := range []struct {
		order Order
		want  []int
	}{{FIFO, []int{1, 2, 3}}, {LIFO, []int{3, 2, 1}}} {
		q := newQueue[int](t, Options{Order: tc.order})
		for i := 1; i <= 3; i++ {
			check(t, "Put", q.Put(i, NoWait), nil)
		}
		for _, want := range tc.want {
			if got := get(t, q); got != want {
				t.Fatalf("order %d: got %d, want %d", tc.order, got, want)
			}
		}
	}

	q := newQueue[string](t, Options{Order: Priority})
	for _, p := range []struct {
		v    string
		prio int64
	}{{"a", 5}, {"b", 1}, {"c", 5}, {"d", 1}, {"f", -3}} {
		check(t, "PutPriority", q.PutPriority(p.v, p.prio, NoWait), nil)
	}
	check(t, "Put", q.Put("e", NoWait), nil) // priority 0
	for _, want := range []string{"f", "e", "b", "d", "a", "c"} {
		if got := get(t, q); got != want {
			t.Fatalf("priority order: got %q, want %q", got, want)
		}
	}

	fifo := newQueue[int](t, Options{})
	base := liveHandles.Load()
	check(t, "PutPriority on FIFO", fifo.PutPriority(1, 1, NoWait), ErrInvalid)
	handlesSince(t, base, 0)
	if fifo.Qsize() != 0 {
		t.Fatal("a rejected PutPriority queued its item")
	}
}

// The binding does not check options: an order the C library does not know
// reaches tq_create, whose TQ_INVALID comes back as ErrInvalid (not
// ErrNoMem). An order tq_order cannot hold is ErrInvalid too, never
// truncated into a valid one (math.MinInt's low 32 bits are FIFO's 0).
func TestNewWithOptionsInvalid(t *testing.T) {
	for _, order := range []Order{3, 4, -1, 1 << 30, math.MinInt, math.MinInt + 1} {
		for _, maxsize := range []int{0, 5, -1} {
			q, err := NewWithOptions[int](Options{Order: order, Maxsize: maxsize})
			if q != nil || !errors.Is(err, ErrInvalid) {
				t.Fatalf("order %d, maxsize %d: got %v, %v; want nil, ErrInvalid", order, maxsize, q, err)
			}
		}
	}
	var c core
	check(t, "open(3)", c.open(3, 0), ErrInvalid)
	if c.p != nil {
		t.Fatal("a failed open set the queue")
	}
	for _, order := range []Order{FIFO, LIFO, Priority} {
		q := newQueue[int](t, Options{Order: order, Maxsize: 2})
		if q.Maxsize() != 2 {
			t.Fatalf("order %d: maxsize %d, want 2", order, q.Maxsize())
		}
	}
}

// The hook counts every handle made and released.
func TestHandleCount(t *testing.T) {
	base := liveHandles.Load()
	h := newHandle("x")
	handlesSince(t, base, 1)
	if v := takeHandle(h); v != "x" {
		t.Fatalf("takeHandle = %v", v)
	}
	handlesSince(t, base, 0)
}

func TestTimeouts(t *testing.T) {
	const wait = 30 * time.Millisecond
	q := newQueue[int](t, Options{Maxsize: 1})
	timed := func(what string, want error, atLeast time.Duration, f func() error) {
		t.Helper()
		start := time.Now()
		check(t, what, f(), want)
		if took := time.Since(start); took < atLeast {
			t.Fatalf("%s returned after %v, before its timeout %v", what, took, atLeast)
		}
	}

	timed("Get(NoWait)", ErrEmpty, 0, func() error { _, err := q.Get(NoWait); return err })
	timed("Get(30ms)", ErrEmpty, wait, func() error { _, err := q.Get(wait); return err })
	timed("Get(100µs)", ErrEmpty, 100*time.Microsecond, func() error { _, err := q.Get(100 * time.Microsecond); return err })
	check(t, "Put", q.Put(1, NoWait), nil)
	base := liveHandles.Load()
	timed("Put(NoWait) on full", ErrFull, 0, func() error { return q.Put(2, NoWait) })
	timed("Put(30ms) on full", ErrFull, wait, func() error { return q.Put(2, wait) })
	handlesSince(t, base, 0)
	timed("Join(30ms)", ErrTimeout, wait, func() error { return q.Join(wait) })
}

func TestBlockedCallsWake(t *testing.T) {
	q := newQueue[int](t, Options{Maxsize: 1})
	type got struct {
		v   int
		err error
	}
	getter := async(func() got { v, err := q.Get(Forever); return got{v, err} })
	pending(t, getter)
	check(t, "Put", q.Put(42, NoWait), nil)
	if r := await(t, getter); r.err != nil || r.v != 42 {
		t.Fatalf("woken Get = %v, %v; want 42", r.v, r.err)
	}

	check(t, "Put", q.Put(1, NoWait), nil)
	putter := async(func() error { return q.Put(2, Forever) })
	pending(t, putter)
	if v := get(t, q); v != 1 {
		t.Fatalf("Get = %d, want 1", v)
	}
	check(t, "woken Put", await(t, putter), nil)
	if v := get(t, q); v != 2 {
		t.Fatalf("Get = %d, want 2", v)
	}

	joiner := async(func() error { return q.Join(Forever) })
	pending(t, joiner)
	check(t, "TaskDoneN", q.TaskDoneN(3), nil)
	check(t, "woken Join", await(t, joiner), nil)
}

func TestShutdown(t *testing.T) {
	t.Run("graceful", func(t *testing.T) {
		q := newQueue[int](t, Options{Maxsize: 2})
		check(t, "Put", q.Put(1, NoWait), nil)
		check(t, "Put", q.Put(2, NoWait), nil)
		putter := async(func() error { return q.Put(3, Forever) })
		pending(t, putter)
		q.Shutdown(false)
		check(t, "blocked Put", await(t, putter), ErrShutDown)
		check(t, "Put after Shutdown", q.Put(4, NoWait), ErrShutDown)
		if !q.IsShutdown() {
			t.Fatal("IsShutdown = false")
		}
		// What was queued still drains, then gets fail.
		for want := 1; want <= 2; want++ {
			if v := get(t, q); v != want {
				t.Fatalf("Get = %d, want %d", v, want)
			}
		}
		_, err := q.Get(Forever)
		check(t, "Get on drained queue", err, ErrShutDown)
		q.Shutdown(false) // harmless again
		check(t, "TaskDoneN", q.TaskDoneN(2), nil)
		check(t, "Join", q.Join(NoWait), nil)
	})

	t.Run("wakes every getter", func(t *testing.T) {
		q := newQueue[int](t, Options{})
		var getters []<-chan error
		for i := 0; i < 3; i++ {
			getters = append(getters, async(func() error { _, err := q.Get(Forever); return err }))
		}
		pending(t, getters[0])
		q.Shutdown(false)
		for _, g := range getters {
			check(t, "blocked Get", await(t, g), ErrShutDown)
		}
	})

	t.Run("immediate", func(t *testing.T) {
		q := newQueue[*int](t, Options{})
		base := liveHandles.Load()
		for i := 0; i < 3; i++ {
			check(t, "Put", q.Put(new(int), NoWait), nil)
		}
		joiner := async(func() error { return q.Join(Forever) })
		pending(t, joiner)
		q.Shutdown(true)
		check(t, "Join", await(t, joiner), nil)
		handlesSince(t, base, 0)
		if q.Qsize() != 0 || q.Unfinished() != 0 {
			t.Fatalf("after Shutdown(true): qsize %d, unfinished %d", q.Qsize(), q.Unfinished())
		}
		_, err := q.Get(NoWait)
		check(t, "Get", err, ErrShutDown)
	})
}

func TestTaskDone(t *testing.T) {
	q := newQueue[int](t, Options{})
	check(t, "TaskDone on a new queue", q.TaskDone(), ErrTooManyDone)
	_, _ = q.PutMany([]int{1, 2}, NoWait)
	_, _ = q.GetMany(2, NoWait)
	check(t, "TaskDoneN(3) of 2", q.TaskDoneN(3), ErrTooManyDone)
	if q.Unfinished() != 2 {
		t.Fatalf("a failed TaskDoneN changed the count to %d", q.Unfinished())
	}
	check(t, "TaskDoneN(-1)", q.TaskDoneN(-1), ErrInvalid)
	check(t, "TaskDoneN(0)", q.TaskDoneN(0), nil)
	check(t, "TaskDone", q.TaskDone(), nil)
	check(t, "TaskDone", q.TaskDone(), nil)
	check(t, "TaskDone once too often", q.TaskDone(), ErrTooManyDone)
	check(t, "Join", q.Join(NoWait), nil)
}

func TestBatch(t *testing.T) {
	q := newQueue[int](t, Options{Maxsize: 3})
	base := liveHandles.Load()
	n, err := q.PutMany([]int{1, 2, 3, 4, 5}, NoWait)
	if n != 3 || err != nil {
		t.Fatalf("PutMany of 5 into room for 3 = %d, %v", n, err)
	}
	handlesSince(t, base, 3) // the two left out were released
	n, err = q.PutMany([]int{6}, NoWait)
	if n != 0 || !errors.Is(err, ErrFull) {
		t.Fatalf("PutMany into a full queue = %d, %v", n, err)
	}
	if n, err = q.PutMany(nil, NoWait); n != 0 || err != nil {
		t.Fatalf("PutMany(nil) = %d, %v", n, err)
	}

	for _, tc := range []struct {
		limit int
		want  []int
		err   error
	}{{0, []int{}, nil}, {-1, nil, ErrInvalid}, {2, []int{1, 2}, nil}, {10, []int{3}, nil}, {10, []int{}, ErrEmpty}} {
		items, err := q.GetMany(tc.limit, NoWait)
		check(t, fmt.Sprintf("GetMany(%d)", tc.limit), err, tc.err)
		if fmt.Sprint(items) != fmt.Sprint(tc.want) {
			t.Fatalf("GetMany(%d) = %v, want %v", tc.limit, items, tc.want)
		}
	}

	// A blocked GetMany wakes on the first item and takes, in order, what is there.
	getter := async(func() []int { items, _ := q.GetMany(10, Forever); return items })
	pending(t, getter)
	if n, err := q.PutMany([]int{7, 8, 9}, Forever); n != 3 || err != nil {
		t.Fatalf("PutMany = %d, %v", n, err)
	}
	got := await(t, getter)
	rest, _ := q.GetMany(10, NoWait)
	if all := append(got, rest...); len(got) == 0 || fmt.Sprint(all) != "[7 8 9]" {
		t.Fatalf("GetMany took %v, then %v", got, rest)
	}

	q.Shutdown(false)
	if n, err := q.PutMany([]int{1}, NoWait); n != 0 || !errors.Is(err, ErrShutDown) {
		t.Fatalf("PutMany after Shutdown = %d, %v", n, err)
	}
	if _, err := q.GetMany(1, Forever); !errors.Is(err, ErrShutDown) {
		t.Fatalf("GetMany after Shutdown: %v", err)
	}
	handlesSince(t, base, 0)
}

func TestQueries(t *testing.T) {
	q := newQueue[int](t, Options{Maxsize: 2})
	if !q.Empty() || q.Full() || q.Maxsize() != 2 || q.Qsize() != 0 || q.IsShutdown() {
		t.Fatal("a new queue does not look new")
	}
	_, _ = q.PutMany([]int{1, 2}, NoWait)
	if q.Empty() || !q.Full() || q.Qsize() != 2 || q.Unfinished() != 2 {
		t.Fatalf("full queue: qsize %d, unfinished %d", q.Qsize(), q.Unfinished())
	}
	check(t, "SetMaxsize(1)", q.SetMaxsize(1), nil)
	if q.Qsize() != 2 || !q.Full() || q.Maxsize() != 1 {
		t.Fatal("shrinking the bound dropped items")
	}
	putter := async(func() error { return q.Put(3, Forever) })
	pending(t, putter)
	check(t, "SetMaxsize(-5)", q.SetMaxsize(-5), nil) // unbounded: the putter fits
	check(t, "woken Put", await(t, putter), nil)
	if q.Maxsize() != 0 || q.Full() || q.Qsize() != 3 {
		t.Fatalf("unbounded queue: maxsize %d, qsize %d", q.Maxsize(), q.Qsize())
	}
	unbounded, err := New[int](-1)
	check(t, "New(-1)", err, nil)
	defer unbounded.Close()
	if unbounded.Maxsize() != 0 {
		t.Fatal("New(-1) is not unbounded")
	}
}

// Values of any type come back as they went in, nil interfaces included.
func TestValues(t *testing.T) {
	q := newQueue[any](t, Options{})
	x := 7
	type pair struct{ a, b string }
	in := []any{nil, &x, pair{"a", "b"}, "s", []int{1}}
	n, err := q.PutMany(in, NoWait)
	if n != len(in) || err != nil {
		t.Fatalf("PutMany = %d, %v", n, err)
	}
	out, _ := q.GetMany(len(in), NoWait)
	if out[0] != nil || out[1].(*int) != &x || out[2] != (pair{"a", "b"}) || out[3] != "s" || out[4].([]int)[0] != 1 {
		t.Fatalf("got back %#v", out)
	}

	errs := newQueue[error](t, Options{})
	check(t, "Put(nil error)", errs.Put(nil, NoWait), nil)
	if v := get(t, errs); v != nil {
		t.Fatalf("nil error came back as %v", v)
	}
}

func TestErrors(t *testing.T) {
	if ErrFull.Error() != "tq: queue full" || ErrShutDown.Error() != "tq: queue shut down" {
		t.Fatalf("messages: %q, %q", ErrFull, ErrShutDown)
	}
	for want, got := range map[error]error{
		ErrFull: errOf(1), ErrEmpty: errOf(2), ErrShutDown: errOf(3), ErrTimeout: errOf(4),
		ErrInvalid: errOf(5), ErrTooManyDone: errOf(6), ErrNoMem: errOf(7), ErrInternal: errOf(8),
		ErrSystem: errOf(9),
	} {
		if got != want {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	if errOf(0) != nil || !errors.Is(errOf(99), ErrInternal) || errors.Is(errOf(99), ErrSystem) {
		t.Error("status 0 or an unknown status maps wrongly")
	}
}

// TaskDone happens before the Join it releases, for the race detector too:
// results written by consumers without locks are safe to read after Join.
func TestJoinPublishesResults(t *testing.T) {
	q := newQueue[int](t, Options{})
	results := make([]int, 100)
	for w := 0; w < 4; w++ {
		go func() {
			for {
				i, err := q.Get(Forever)
				if err != nil {
					return
				}
				results[i] = i * i
				_ = q.TaskDone()
			}
		}()
	}
	for i := range results {
		check(t, "Put", q.Put(i, NoWait), nil)
	}
	check(t, "Join", q.Join(patience), nil)
	for i, r := range results {
		if r != i*i {
			t.Fatalf("results[%d] = %d after Join", i, r)
		}
	}
	q.Shutdown(false)
}

// Many producers and consumers, single and batch calls, a small bound: every
// item arrives exactly once.
func TestStressMPMC(t *testing.T) {
	const producers, consumers, perProducer = 4, 4, 2500
	const total = producers * perProducer
	q := newQueue[int](t, Options{Maxsize: 8})

	var produced sync.WaitGroup
	for p := 0; p < producers; p++ {
		produced.Add(1)
		go func() {
			defer produced.Done()
			first := p*perProducer + 1
			for i := first; i < first+perProducer; {
				n := 1
				var err error
				if p%2 == 0 {
					err = q.Put(i, Forever)
				} else {
					chunk := []int{i, i + 1, i + 2, i + 3, i + 4}[:min(5, first+perProducer-i)]
					n, err = q.PutMany(chunk, Forever)
				}
				if err != nil {
					t.Error(err)
					return
				}
				i += n
			}
		}()
	}
	got := make(chan []int, consumers)
	for c := 0; c < consumers; c++ {
		go func() {
			var mine []int
			defer func() { got <- mine }()
			for {
				var items []int
				var err error
				if c%2 == 0 {
					var v int
					v, err = q.Get(Forever)
					items = []int{v}
				} else {
					items, err = q.GetMany(7, Forever)
				}
				if err != nil {
					return
				}
				mine = append(mine, items...)
				if err := q.TaskDoneN(len(items)); err != nil {
					t.Error(err)
				}
			}
		}()
	}

	produced.Wait()
	check(t, "Join", q.Join(patience), nil)
	q.Shutdown(false)
	seen := make([]bool, total+1)
	count, sum := 0, 0
	for c := 0; c < consumers; c++ {
		for _, v := range await(t, got) {
			if v < 1 || v > total || seen[v] {
				t.Fatalf("item %d out of range or seen twice", v)
			}
			seen[v] = true
			count++
			sum += v
		}
	}
	if count != total || sum != total*(total+1)/2 {
		t.Fatalf("got %d items summing to %d, want %d summing to %d", count, sum, total, total*(total+1)/2)
	}
}

func TestClose(t *testing.T) {
	t.Run("releases queued items", func(t *testing.T) {
		base := liveHandles.Load()
		q, _ := New[*[64]byte](0)
		for i := 0; i < 5; i++ {
			check(t, "Put", q.Put(new([64]byte), NoWait), nil)
		}
		handlesSince(t, base, 5)
		q.Close()
		handlesSince(t, base, 0)
		q.Close() // harmless again
	})

	t.Run("then every call fails", func(t *testing.T) {
		q, _ := New[int](4)
		check(t, "Put", q.Put(1, NoWait), nil)
		q.Close()
		base := liveHandles.Load()
		check(t, "Put", q.Put(1, NoWait), ErrShutDown)
		check(t, "PutPriority", q.PutPriority(1, 1, NoWait), ErrShutDown)
		_, err := q.Get(Forever)
		check(t, "Get", err, ErrShutDown)
		n, err := q.PutMany([]int{1, 2}, Forever)
		check(t, "PutMany", err, ErrShutDown)
		_, err2 := q.GetMany(3, Forever)
		check(t, "GetMany", err2, ErrShutDown)
		check(t, "TaskDone", q.TaskDone(), ErrShutDown)
		check(t, "Join", q.Join(Forever), ErrShutDown)
		check(t, "SetMaxsize", q.SetMaxsize(1), ErrShutDown)
		_, err = q.ReadyToGet()
		check(t, "ReadyToGet", err, ErrShutDown)
		_, err = q.ReadyToPut()
		check(t, "ReadyToPut", err, ErrShutDown)
		q.Shutdown(true)
		if n != 0 || q.Qsize() != 0 || !q.Empty() || q.Full() || q.Maxsize() != 0 || q.Unfinished() != 0 || !q.IsShutdown() {
			t.Fatal("a closed queue does not look empty and shut down")
		}
		handlesSince(t, base, 0)
	})

	t.Run("a zero Queue acts closed", func(t *testing.T) {
		var q Queue[int]
		_, err := q.Get(Forever)
		check(t, "Get", err, ErrShutDown)
		_, err = q.ReadyToGet()
		check(t, "ReadyToGet", err, ErrShutDown)
		check(t, "Join", q.Join(Forever), ErrShutDown)
		q.Close()
	})

	t.Run("wakes blocked goroutines", func(t *testing.T) {
		full, _ := New[int](1)
		empty, _ := New[int](0)
		check(t, "Put", full.Put(1, NoWait), nil)
		check(t, "Put", empty.Put(1, NoWait), nil) // taken but not done: Join waits
		_ = get(t, empty)
		waiters := []<-chan error{
			async(func() error { return full.Put(2, Forever) }),
			async(func() error { return full.JoinCtx(context.Background()) }),
			async(func() error { _, err := empty.Get(Forever); return err }),
			async(func() error { return empty.Join(Forever) }), // only Close can end it
		}
		for _, w := range waiters {
			pending(t, w)
		}
		closed := async(func() bool { full.Close(); empty.Close(); return true })
		await(t, closed)
		for _, w := range waiters {
			check(t, "blocked call", await(t, w), ErrShutDown)
		}
	})

	t.Run("by the finalizer", func(t *testing.T) {
		base := liveHandles.Load()
		func() {
			q, _ := New[*[64]byte](1)
			// Waits for a get and a put: their watchers must not keep q alive.
			_, err := q.Get(time.Millisecond)
			check(t, "Get", err, ErrEmpty)
			check(t, "Put", q.Put(new([64]byte), NoWait), nil)
			check(t, "Put", q.Put(new([64]byte), time.Millisecond), ErrFull)
		}()
		for deadline := time.Now().Add(patience); liveHandles.Load() != base; {
			if time.Now().After(deadline) {
				t.Fatalf("the finalizer never released %d handles", liveHandles.Load()-base)
			}
			runtime.GC()
			time.Sleep(time.Millisecond)
		}
	})
}

func TestContext(t *testing.T) {
	q := newQueue[int](t, Options{Maxsize: 1})
	base := liveHandles.Load()

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	_, err := q.GetCtx(ctx)
	check(t, "GetCtx cancelled", err, context.Canceled)

	time.AfterFunc(10*time.Millisecond, func() { _ = q.Put(5, NoWait) })
	if v, err := q.GetCtx(context.Background()); v != 5 || err != nil {
		t.Fatalf("GetCtx = %d, %v; want 5", v, err)
	}

	check(t, "Put", q.Put(1, NoWait), nil)
	const wait = 30 * time.Millisecond
	ctx, cancel = context.WithTimeout(context.Background(), wait)
	defer cancel()
	start := time.Now()
	check(t, "PutCtx on a full queue", q.PutCtx(ctx, 2), context.DeadlineExceeded)
	if took := time.Since(start); took < wait {
		t.Fatalf("PutCtx gave up after %v, before the %v deadline", took, wait)
	}
	check(t, "JoinCtx", q.JoinCtx(ctx), context.DeadlineExceeded)
	_, err = q.GetCtx(ctx)
	check(t, "GetCtx with a done context leaves the item", err, context.DeadlineExceeded)
	handlesSince(t, base, 1)

	time.AfterFunc(10*time.Millisecond, func() { _, _ = q.Get(NoWait) })
	check(t, "PutCtx", q.PutCtx(context.Background(), 3), nil)
	if v := get(t, q); v != 3 {
		t.Fatalf("Get = %d, want 3", v)
	}
	time.AfterFunc(10*time.Millisecond, func() { _ = q.TaskDoneN(q.Unfinished()) })
	check(t, "JoinCtx", q.JoinCtx(context.Background()), nil)

	q.Shutdown(false)
	_, err = q.GetCtx(context.Background())
	check(t, "GetCtx after Shutdown", err, ErrShutDown)
	check(t, "PutCtx after Shutdown", q.PutCtx(context.Background(), 4), ErrShutDown)
	handlesSince(t, base, 0)
}
