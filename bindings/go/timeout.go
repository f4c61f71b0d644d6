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

// millis converts a timeout to the C API's milliseconds, rounding up so that
// a wait is never shorter than asked; negative means forever.
func millis(d time.Duration) int64 {
	if d < 0 {
		return -1
	}
	ms := d / time.Millisecond
	if d%time.Millisecond != 0 {
		ms++
	}
	return int64(ms)
}
