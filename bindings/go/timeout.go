package tq

import "time"

// Timeouts with a special meaning; any other positive duration waits at
// most that long.
const (
	// NoWait makes a call fail at once instead of blocking.
	NoWait time.Duration = 0
	// Forever makes a call wait without a time limit (so does any negative duration).
	Forever time.Duration = -1
)
