//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import (
	"errors"
	"fmt"
	"os"
)

// acquireLock, where flock is missing, creates lockPath exclusively and
// removes it on release. A crash leaves the file behind; the error names
// the pid so the operator can check it is gone and delete the file.
func acquireLock(storePath, lockPath string) (*fileLock, error) {
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		pid := 0
		if held, oerr := os.Open(lockPath); oerr == nil {
			pid = readPID(held)
			held.Close()
		}
		return nil, &LockedError{Path: storePath, PID: pid}
	}
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", lockPath, err)
	}
	if err := writePID(f); err != nil {
		f.Close()
		os.Remove(lockPath)
		return nil, fmt.Errorf("store: lock %s: write pid: %w", lockPath, err)
	}
	// Close before removing: some systems cannot remove an open file.
	unlock := func() error { return errors.Join(f.Close(), os.Remove(lockPath)) }
	return &fileLock{path: lockPath, unlockFn: unlock}, nil
}
