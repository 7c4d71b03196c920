package notify

import (
	"errors"
	"time"
)

// errClass is how a delivery error should be treated.
type errClass int

const (
	classRetry     errClass = iota // transient: try again later
	classPermanent                 // trying again cannot help
	classAmbiguous                 // the platform may have accepted it; a retry may duplicate
)

// classified marks an error with a class and, for retries, a delay.
type classified struct {
	err   error
	class errClass
	delay time.Duration
}

func (e *classified) Error() string { return e.err.Error() }
func (e *classified) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying (bad key, rejected payload).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &classified{err: err, class: classPermanent}
}

// RetryAfter marks err as transient, to be tried again no sooner than d
// (0: the delivery stage's own backoff).
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &classified{err: err, class: classRetry, delay: d}
}

// Ambiguous marks err as a failure after the request was written: the
// platform may have accepted the message, so a retry may deliver it twice.
// It is still retried, and counted.
func Ambiguous(err error) error {
	if err == nil {
		return nil
	}
	return &classified{err: err, class: classAmbiguous}
}

func classOf(err error) (*classified, bool) {
	var c *classified
	ok := errors.As(err, &c)
	return c, ok
}

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	c, ok := classOf(err)
	return ok && c.class == classPermanent
}

// IsAmbiguous reports whether err was marked Ambiguous.
func IsAmbiguous(err error) bool {
	c, ok := classOf(err)
	return ok && c.class == classAmbiguous
}

// RetryDelay is the delay asked for by RetryAfter; ok is false when err did
// not name one.
func RetryDelay(err error) (d time.Duration, ok bool) {
	c, found := classOf(err)
	if !found || c.class != classRetry || c.delay <= 0 {
		return 0, false
	}
	return c.delay, true
}

// Retryable reports whether trying err's delivery again could help: every
// error not marked Permanent.
func Retryable(err error) bool { return err != nil && !IsPermanent(err) }

// ErrPartlyDelivered says the message itself was accepted but a follow-up
// (such as a WeCom mention sent as a second message) failed. Sending the
// message again would duplicate it, so the delivery counts as done.
var ErrPartlyDelivered = errors.New("delivered, but a follow-up message failed")
