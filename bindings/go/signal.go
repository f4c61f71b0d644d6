package tq

import (
	"container/list"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// A signal tells the goroutines waiting for one kind of call on a queue (a
// get, a put or a join) that it may succeed now. Blocked calls wait their
// turn in arrival order (see core.wait): notify gives the turn to the
// oldest, and a call passes it on unless its try found nothing to do, so
// one notify for many items, or for a shutdown, wakes one call after the
// other as far as there is work, not all of them at once. The channels
// next hands out (for a select) are all closed by the next notify.
//
// The get and put signals are notified by a goroutine watching the queue's
// descriptor (watch); the join signal by the calls that finish tasks. A
// signal holds no reference to its queue, so a watcher does not keep a
// forgotten queue from its finalizer.
type signal struct {
	mu      sync.Mutex
	waiters list.List     // of *waiter, oldest first
	ready   chan struct{} // handed out by next, closed by notify; nil when none is
	file    *os.File      // the watched duplicate of the queue's descriptor, once watched
}

// A waiter is one blocked call's place in line.
type waiter struct {
	turn chan struct{} // closed when its turn comes (it is then out of line)
	elem *list.Element
}

// enter puts a new waiter at the end of the line.
func (s *signal) enter() *waiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := &waiter{turn: make(chan struct{})}
	w.elem = s.waiters.PushBack(w)
	return w
}

// leave takes w out of line; if its turn came meanwhile, it passes the turn on.
func (s *signal) leave(w *waiter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-w.turn:
		s.passLocked()
	default:
		s.waiters.Remove(w.elem)
	}
}

// notify says that the call may succeed now: it closes the channel next
// handed out and gives the turn to the oldest waiter.
func (s *signal) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notifyLocked()
}

func (s *signal) notifyLocked() {
	if s.ready != nil {
		close(s.ready)
		s.ready = nil
	}
	s.passLocked()
}

// notifyIfReadable notifies if fd polls readable, looking under mu so that
// a channel next hands out after the descriptor was lowered is not closed
// by an edge from before.
func (s *signal) notifyIfReadable(fd uintptr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if readable(fd) {
		s.notifyLocked()
	}
}

// pass gives the turn to the oldest waiter, if any.
func (s *signal) pass() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.passLocked()
}

func (s *signal) passLocked() {
	if e := s.waiters.Front(); e != nil {
		close(s.waiters.Remove(e).(*waiter).turn)
	}
}

// waiting returns how many calls wait in line.
func (s *signal) waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiters.Len()
}

// next returns a channel that the next notify closes.
func (s *signal) next() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready == nil {
		s.ready = make(chan struct{})
	}
	return s.ready
}

// watch makes s notified whenever the descriptor that open returns turns
// readable, unless it is watched already (open is not called then): a
// goroutine waits on a duplicate of it in Go's poller (no OS thread),
// which stop closes. open's error comes back as is; ErrSystem (wrapped)
// when the duplicate cannot be made or polled.
func (s *signal) watch(open func() (int, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file != nil {
		return nil
	}
	fd, err := open()
	if err != nil {
		return err
	}
	syscall.ForkLock.RLock() // no exec may inherit the duplicate
	dup, err := syscall.Dup(fd)
	if err == nil {
		syscall.CloseOnExec(dup)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return fmt.Errorf("%w: dup: %v", ErrSystem, err)
	}
	// Non-blocking, so that os.NewFile gives it to the poller (the flag is
	// shared with the queue's descriptor, which has it already).
	if err := syscall.SetNonblock(dup, true); err != nil {
		syscall.Close(dup)
		return fmt.Errorf("%w: %v", ErrSystem, err)
	}
	f := os.NewFile(uintptr(dup), "tq descriptor")
	rc, err := f.SyscallConn()
	if err == nil {
		err = f.SetReadDeadline(time.Time{}) // fails unless the poller took f
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("%w: %v", ErrSystem, err)
	}
	s.file = f
	// Read calls the function once it waits for f's edges, then again after
	// each edge the poller reports (one that comes while the function runs
	// is kept for the next wait), until stop closes f. The library writes
	// the descriptor each time it turns readable, and only then. watch
	// returns once edges are watched, so whatever its caller tries next, an
	// edge after it is not missed; no notify is needed for the time before.
	// An edge notifies only while the descriptor is still readable: the
	// poller may report the one of its registration late, after a call
	// lowered it.
	started := make(chan struct{})
	go func() {
		first := true
		_ = rc.Read(func(fd uintptr) bool {
			if first {
				first = false
				close(started)
			} else {
				s.notifyIfReadable(fd)
			}
			return false
		})
		if first {
			close(started) // Read failed before waiting; nothing will notify
		}
	}()
	<-started
	return nil
}

// stop ends the watch, if any, and waits until its goroutine is done with
// the descriptor.
func (s *signal) stop() {
	s.mu.Lock()
	f := s.file
	s.mu.Unlock()
	if f != nil {
		f.Close() // not under mu: the watcher may be in notify
	}
}

// readable reports whether fd polls readable (POLLIN) now, without waiting.
func readable(fd uintptr) bool {
	p := struct {
		fd              int32
		events, revents int16
	}{fd: int32(fd), events: pollIn}
	var now syscall.Timespec
	n, _, errno := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&p)), 1, uintptr(unsafe.Pointer(&now)), 0, 0, 0)
	return errno == 0 && n == 1 && p.revents&pollIn != 0
}

// pollIn is POLLIN.
const pollIn = 0x1
