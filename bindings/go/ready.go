package tq

// ReadyToGet returns a channel that is closed once a Get may succeed without
// waiting (an item is queued, or the queue is shut down), for waiting in a
// select beside channels, timers and contexts. It takes nothing: when it
// fires, take the item with Get(NoWait), which finds nothing (ErrEmpty) if
// another goroutine was first; then ask again. So no item is lost when the
// select picks another case. Ask anew before each select: a channel fires
// once. ErrShutDown once the queue is closed; ErrSystem when the system
// refuses the descriptor the channel needs (see the package doc, Waiting).
func (q *Queue[T]) ReadyToGet() (<-chan struct{}, error) {
	return q.c.ready(q.c.gets)
}

// ReadyToPut is ReadyToGet for puts: the channel is closed once a Put may
// succeed without waiting (there is room, or the queue is shut down); then
// Put(v, NoWait), which fails with ErrFull if another goroutine was first.
func (q *Queue[T]) ReadyToPut() (<-chan struct{}, error) {
	return q.c.ready(q.c.puts)
}
