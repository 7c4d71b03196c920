package slackapp

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkSlashAck measures how long Slack waits for its acknowledgement
// when 100 signed slash commands arrive at once; the commands themselves run
// in the background against the fake Drone.
func BenchmarkSlashAck(b *testing.B) {
	const concurrent = 100
	h := newHarness(b, Config{})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrent}, Timeout: 10 * time.Second}
	var latencies []time.Duration
	var mu sync.Mutex
	b.ResetTimer()
	for range b.N {
		var wg sync.WaitGroup
		for i := range concurrent {
			text := []string{"", "status octo/demo 2", "logs octo/demo 2", "repos"}[i%4]
			form, _ := h.slashForm(writer, "/drone", text)
			body := form.Encode()
			stamp := strconv.FormatInt(time.Now().Unix(), 10)
			req, err := http.NewRequest(http.MethodPost, h.bot.URL+"/slack/commands", strings.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Slack-Request-Timestamp", stamp)
			req.Header.Set("X-Slack-Signature", sign(testSecret, stamp, []byte(body)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				took := time.Since(start)
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
				}
				mu.Lock()
				latencies = append(latencies, took)
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(latencies[len(latencies)-1].Microseconds())/1000, "max-ms")
}
