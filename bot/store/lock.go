package store

import (
	"errors"
	"fmt"
	"io"
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

// fileLock is the held lock on "<store>.lock".
type fileLock struct {
	path     string
	unlockFn func() error
}

func (l *fileLock) release() error {
	if err := l.unlockFn(); err != nil {
		return fmt.Errorf("release lock %s: %w", l.path, err)
	}
	return nil
}

// readPID reads the holder's pid from an open lock file; 0 when unreadable.
func readPID(f *os.File) int {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 64))
	if err != nil && !errors.Is(err, io.EOF) {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return pid
}

// writePID replaces the lock file's content with our pid, for the message
// a second dronebot prints.
func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}
