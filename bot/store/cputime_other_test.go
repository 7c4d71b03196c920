//go:build !unix

package store

import (
	"testing"
	"time"
)

// cpuTime is not measured here; -1 tells the benchmark to skip the metric.
func cpuTime(testing.TB) time.Duration { return -1 }
