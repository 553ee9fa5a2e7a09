package main

import (
	"flag"
	"net/http"
	"sync"
	"time"
)

// runFixedRate sends at a fixed rate regardless of responses (open loop). Latency counts from the moment a
// request was due, so a server that falls behind shows it (no coordinated omission).
func runFixedRate(args []string) error {
	fs := flag.NewFlagSet("rate", flag.ExitOnError)
	var c clientFlags
	c.register(fs)
	rate := fs.Float64("rate", 1000, "requests per second")
	seconds := fs.Float64("seconds", 3, "how long to send")
	maxInFlight := fs.Int("max-in-flight", 512, "requests beyond this many outstanding are not sent, and counted apart (like an API server at its own in-flight limit)")
	_ = fs.Parse(args)
	if err := c.load(); err != nil {
		return err
	}
	transport, err := c.transport(*maxInFlight)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: transport, Timeout: 5 * time.Second}
	// Warm connections and code paths first.
	runWorkers(&c, client, 8, 200, 10*time.Second)

	total := int(*rate * *seconds)
	interval := time.Duration(float64(time.Second) / *rate)
	var mu sync.Mutex
	latencies := make([]time.Duration, 0, total)
	errors := 0
	shed := 0
	notSent := 0
	firstError := ""
	slots := make(chan struct{}, *maxInFlight)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < total; i++ {
		due := start.Add(time.Duration(i) * interval)
		preciseSleep(time.Until(due))
		select {
		case slots <- struct{}{}:
		default:
			// The server is behind by more than the cap: this one is never sent. Not a server error (it did not
			// answer wrongly); kube-apiserver would itself refuse the create at its --max-*-requests-inflight.
			mu.Lock()
			notSent++
			mu.Unlock()
			continue
		}
		wg.Add(1)
		go func(due time.Time) {
			defer wg.Done()
			wasShed, err := c.do(client)
			elapsed := time.Since(due)
			<-slots
			mu.Lock()
			defer mu.Unlock()
			if wasShed {
				shed++
				return
			}
			if err != nil {
				errors++
				if firstError == "" {
					firstError = err.Error()
				}
				return
			}
			latencies = append(latencies, elapsed)
		}(due)
	}
	wg.Wait()
	summary := summarize(latencies, errors, firstError, time.Since(start))
	summary.Shed = shed
	summary.NotSent = notSent
	summary.Proto = c.negotiated()
	return printJSON(summary)
}
