//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import (
	"errors"
	"fmt"
	"os"
)

// acquireLock, where flock is missing, creates "<store>.lock" exclusively
// and removes it on release. A crash leaves the file behind; the error
// names the pid so the operator can check it is gone and delete the file.
func acquireLock(storePath, dbPath string) (*fileLock, error) {
	lockPath := pidPath(dbPath)
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil, &LockedError{Path: storePath, PID: readPIDFile(lockPath)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", lockPath, err)
	}
	if _, err := f.WriteString(fmt.Sprintf("%d\n", os.Getpid())); err != nil {
		f.Close()
		os.Remove(lockPath)
		return nil, fmt.Errorf("store: lock %s: write pid: %w", lockPath, err)
	}
	// Close before removing: some systems cannot remove an open file.
	unlock := func() error { return errors.Join(f.Close(), os.Remove(lockPath)) }
	return &fileLock{path: lockPath, unlockFn: unlock}, nil
}
