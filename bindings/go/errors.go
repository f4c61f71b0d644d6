package tq

// #include "tq.h"
import "C"

import (
	"errors"
	"fmt"
)

// The errors of this package, one per failure status of the C API; test
// them with errors.Is.
var (
	// ErrFull: Put found no room before its timeout (Python's queue.Full).
	ErrFull = statusError(C.TQ_FULL)
	// ErrEmpty: Get found no item before its timeout (Python's queue.Empty).
	ErrEmpty = statusError(C.TQ_EMPTY)
	// ErrShutDown: the queue is shut down or closed (Python's queue.ShutDown).
	ErrShutDown = statusError(C.TQ_SHUTDOWN)
	// ErrTimeout: Join timed out with tasks still unfinished.
	ErrTimeout = statusError(C.TQ_TIMEOUT)
	// ErrInvalid: a bad argument, such as PutPriority on a FIFO queue.
	ErrInvalid = statusError(C.TQ_INVALID)
	// ErrTooManyDone: TaskDone called more often than items were put.
	ErrTooManyDone = statusError(C.TQ_TOO_MANY_DONE)
	// ErrNoMem: the library ran out of memory; nothing was changed.
	ErrNoMem = statusError(C.TQ_NOMEM)
	// ErrInternal: the library caught a bug of its own.
	ErrInternal = statusError(C.TQ_INTERNAL)
	// ErrSystem: the operating system refused what a wait needs (a
	// descriptor to watch, say, when out of descriptors); nothing was changed.
	ErrSystem = statusError(C.TQ_SYSTEM)
)

// statusError makes the error for s, worded by the library.
func statusError(s C.tq_status) error {
	return errors.New("tq: " + C.GoString(C.tq_status_str(s)))
}

// errOf maps a status to nil or its error.
func errOf(s C.enum_tq_status) error {
	switch s {
	case C.TQ_OK:
		return nil
	case C.TQ_FULL:
		return ErrFull
	case C.TQ_EMPTY:
		return ErrEmpty
	case C.TQ_SHUTDOWN:
		return ErrShutDown
	case C.TQ_TIMEOUT:
		return ErrTimeout
	case C.TQ_INVALID:
		return ErrInvalid
	case C.TQ_TOO_MANY_DONE:
		return ErrTooManyDone
	case C.TQ_NOMEM:
		return ErrNoMem
	case C.TQ_INTERNAL:
		return ErrInternal
	case C.TQ_SYSTEM:
		return ErrSystem
	}
	return fmt.Errorf("%w: unknown status %d", ErrInternal, s)
}
