package tq

// #include "tq.h"
import "C"

// Order is the order a queue hands its items out in.
type Order int

// The orders, numbered as the C API's tq_order.
const (
	// FIFO: first in, first out (Python's Queue).
	FIFO Order = C.TQ_FIFO
	// LIFO: last in, first out (Python's LifoQueue).
	LIFO Order = C.TQ_LIFO
	// Priority: lowest priority first, FIFO among equal priorities (a stable PriorityQueue).
	Priority Order = C.TQ_PRIORITY
)

// Options configures NewWithOptions.
type Options struct {
	// Order is FIFO (the zero value), LIFO or Priority; the C library
	// rejects any other value (NewWithOptions returns ErrInvalid).
	Order Order
	// Maxsize bounds the queue; 0 or less means unbounded (as in Python).
	Maxsize int
}
