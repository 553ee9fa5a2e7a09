package main

import (
	"flag"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// runClosedLoop: `concurrency` workers send `requests` requests back to back (after a warm-up).
func runClosedLoop(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	var c clientFlags
	c.register(fs)
	concurrency := fs.Int("c", 1, "concurrent connections")
	requests := fs.Int("n", 5000, "measured requests")
	warmup := fs.Int("warmup", 200, "unmeasured requests first")
	maxSeconds := fs.Float64("max-seconds", 60, "stop early (result marked truncated)")
	_ = fs.Parse(args)
	if err := c.load(); err != nil {
		return err
	}
	transport, err := c.transport(*concurrency)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	runWorkers(&c, client, *concurrency, *warmup, time.Duration(*maxSeconds*float64(time.Second)))
	summary := runWorkers(&c, client, *concurrency, *requests, time.Duration(*maxSeconds*float64(time.Second)))
	summary.Proto = c.negotiated()
	return printJSON(summary)
}

func runWorkers(c *clientFlags, client *http.Client, concurrency, requests int, limit time.Duration) Summary {
	var next atomic.Int64
	var mu sync.Mutex
	latencies := make([]time.Duration, 0, requests)
	errors := 0
	shed := 0
	firstError := ""
	deadline := time.Now().Add(limit)
	truncated := atomic.Bool{}
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, requests/concurrency+1)
			for next.Add(1) <= int64(requests) {
				if time.Now().After(deadline) {
					truncated.Store(true)
					break
				}
				t0 := time.Now()
				wasShed, err := c.do(client)
				elapsed := time.Since(t0)
				if err != nil || wasShed {
					mu.Lock()
					if wasShed {
						shed++
					} else {
						errors++
						if firstError == "" {
							firstError = err.Error()
						}
					}
					mu.Unlock()
					continue
				}
				local = append(local, elapsed)
			}
			mu.Lock()
			latencies = append(latencies, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	s := summarize(latencies, errors, firstError, time.Since(start))
	s.Truncated = truncated.Load()
	s.Shed = shed
	return s
}
