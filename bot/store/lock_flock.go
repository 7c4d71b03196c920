//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// acquireLock takes an exclusive flock on the database file itself, so no
// file can be removed to let a second writer in; the kernel drops it when
// the process dies, so a crash never leaves a stale lock behind. flock and
// SQLite's own (fcntl) locks do not interfere. The descriptor must stay
// open until SQLite has closed the file: closing any descriptor of a file
// drops the process's fcntl locks on it.
//
// "<store>.lock" only records the holder's pid for the message a second
// dronebot prints; removing it changes nothing.
func acquireLock(storePath, dbPath string) (*fileLock, error) {
	f, err := os.OpenFile(dbPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", storePath, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockedError{Path: storePath, PID: readPIDFile(pidPath(dbPath))}
		}
		return nil, fmt.Errorf("store: lock %s: %w", storePath, err)
	}
	writePIDFile(pidPath(dbPath))
	unlock := func() error {
		os.Remove(pidPath(dbPath))
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return errors.Join(err, f.Close())
	}
	return &fileLock{path: dbPath, file: f, unlockFn: unlock}, nil
}
