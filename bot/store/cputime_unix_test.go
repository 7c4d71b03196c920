//go:build unix

package store

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user and system CPU so far: SQLite runs in
// process, so this is the store's cost without the time spent waiting on
// fsync.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
