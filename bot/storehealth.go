package bot

import (
	"context"
	"sync"
	"time"
)

// Defaults of how often the running bot looks at its store: the cheap
// check (the file is still there, a read answers) and SQLite's integrity
// check, which reads the whole file.
const (
	defaultStorePing  = 5 * time.Second
	defaultStoreCheck = 5 * time.Minute
)

// storeHealth is what the bot last learnt of its store. A trouble is said
// once when it starts (an error line and the operators' sink) and once when
// it ends.
type storeHealth struct {
	mu       sync.Mutex
	checked  time.Time // the last integrity check that ran to its end
	checkErr error     // its result: damage found stays until a check passes
	said     string    // the trouble last said; "" while all is well
}

// checkStore pings the store and, with thorough, runs the integrity check
// when the last one is older than deps.StoreCheck; it says what changed.
// /readyz is never thorough: the check reads the whole file.
func (s *Service) checkStore(ctx context.Context, thorough bool) error {
	err := s.store.Ping(ctx)
	h := &s.storeHealth
	h.mu.Lock()
	due := thorough && time.Since(h.checked) >= s.deps.StoreCheck
	h.mu.Unlock()
	if err == nil && due {
		cerr := s.store.Check(ctx)
		if ctx.Err() == nil {
			h.mu.Lock()
			h.checked, h.checkErr = time.Now(), cerr
			h.mu.Unlock()
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		err = h.checkErr
	}
	switch {
	case err != nil && ctx.Err() == nil && err.Error() != h.said:
		h.said = err.Error()
		s.log.Error("the store cannot be trusted", "err", err)
		s.ops.bad("store", err.Error(), 0)
	case err == nil && h.said != "":
		h.said = ""
		s.log.Info("the store answers again", "path", s.store.Path())
		s.ops.good("store")
	}
	return err
}

// watchStore checks the store until ctx ends, so a file deleted or damaged
// while the bot runs is said out loud even when nobody asks /readyz.
func (s *Service) watchStore(ctx context.Context) {
	t := time.NewTicker(s.deps.StorePing)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			cctx, cancel := context.WithTimeout(ctx, time.Minute)
			_ = s.checkStore(cctx, true)
			cancel()
		}
	}
}
