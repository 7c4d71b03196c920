package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrLocked matches a *LockedError with errors.Is.
var ErrLocked = errors.New("store is locked")

// LockedError says another process holds the store.
type LockedError struct {
	Path string // the store file as given to Open
	PID  int    // the holder's pid as written in the lock file; 0 if unknown
}

func (e *LockedError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("store %s is in use by another dronebot (pid %d)", e.Path, e.PID)
	}
	return fmt.Sprintf("store %s is in use by another dronebot", e.Path)
}

// Is lets errors.Is(err, ErrLocked) match.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// fileLock is the held lock.
type fileLock struct {
	path     string
	file     *os.File // the locked database file, where flock is used; nil elsewhere
	unlockFn func() error
}

func (l *fileLock) release() error {
	if err := l.unlockFn(); err != nil {
		return fmt.Errorf("release lock %s: %w", l.path, err)
	}
	return nil
}

// pidPath is the file that names the lock holder's pid.
func pidPath(dbPath string) string { return dbPath + ".lock" }

// readPIDFile reads the holder's pid; 0 when unknown.
func readPIDFile(path string) int {
	b, err := os.ReadFile(path)
	if err != nil || len(b) > 64 {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return pid
}

// writePIDFile records our pid, for the message a second dronebot prints;
// it is only information, so a failure to write it is not an error.
func writePIDFile(path string) {
	_ = os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
}
