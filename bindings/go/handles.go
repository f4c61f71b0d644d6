package tq

// #include <stdint.h>
import "C"

import "runtime/cgo"

// handleHook, when set, is called with +1 for every handle made and -1 for
// every handle released. It is nil outside the tests, which set it before
// any queue exists to count live handles and so prove that no item leaks;
// production pays one nil check per handle and shares no counter.
var handleHook func(delta int64)

// newHandle makes a handle for v, to be passed to C as the item.
func newHandle(v any) uintptr {
	if handleHook != nil {
		handleHook(1)
	}
	return uintptr(cgo.NewHandle(v))
}

// takeHandle returns the value behind h and releases h.
func takeHandle(h uintptr) any {
	v := cgo.Handle(h).Value()
	dropHandle(h)
	return v
}

// dropHandle releases h without looking at its value.
func dropHandle(h uintptr) {
	cgo.Handle(h).Delete()
	if handleHook != nil {
		handleHook(-1)
	}
}

// sendHandle makes a handle for v and gives it to put; if put fails, the
// handle is released again.
func sendHandle(v any, put func(h uintptr) error) error {
	h := newHandle(v)
	err := put(h)
	if err != nil {
		dropHandle(h)
	}
	return err
}

// valueOf returns the T behind h and releases h.
func valueOf[T any](h uintptr) T {
	v, _ := takeHandle(h).(T) // a nil interface value comes back as T's zero value
	return v
}

// tqGoDropHandle releases the handle of an item that the queue dropped
// (immediate shutdown, close); C calls it through tq_go_destroy.
//
//export tqGoDropHandle
func tqGoDropHandle(h C.uintptr_t) {
	dropHandle(uintptr(h))
}
