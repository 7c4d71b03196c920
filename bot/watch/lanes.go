package watch

import "sync"

// DefaultConcurrency is how many repositories are worked on at once.
const DefaultConcurrency = 4

// lanes runs the tasks of different keys (repositories) concurrently, at
// most n at once, and the tasks of one key one after another in the order
// given, so one slow Drone call holds up only its own repository.
type lanes struct {
	sem    chan struct{}
	mu     sync.Mutex
	queued map[string][]func()
	wg     sync.WaitGroup
}

func newLanes(n int) *lanes {
	if n < 1 {
		n = 1
	}
	return &lanes{sem: make(chan struct{}, n), queued: map[string][]func(){}}
}

// Go queues task behind key's earlier tasks.
func (l *lanes) Go(key string, task func()) {
	l.mu.Lock()
	q, busy := l.queued[key]
	l.queued[key] = append(q, task)
	l.mu.Unlock()
	if busy {
		return // the key's runner will get to it
	}
	l.wg.Add(1)
	go l.run(key)
}

// run drains key's queue, holding one of the n slots.
func (l *lanes) run(key string) {
	defer l.wg.Done()
	l.sem <- struct{}{}
	defer func() { <-l.sem }()
	for {
		l.mu.Lock()
		q := l.queued[key]
		if len(q) == 0 {
			delete(l.queued, key)
			l.mu.Unlock()
			return
		}
		task := q[0]
		l.queued[key] = q[1:]
		l.mu.Unlock()
		task()
	}
}

// Wait blocks until every task queued so far has run.
func (l *lanes) Wait() { l.wg.Wait() }
