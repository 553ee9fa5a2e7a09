package main

import (
	"bufio"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SSEResult: how many streams were held open and the delay from the upstream writing an event to this
// client reading it (both ends stamp the same machine's clock).
type SSEResult struct {
	Streams        int     `json:"streams"`
	Connected      int     `json:"connected"`
	ConnectSeconds float64 `json:"connectSeconds"`
	Events         int     `json:"events"`
	Errors         int     `json:"errors"`
	FirstError     string  `json:"firstError,omitempty"`
	P50us          float64 `json:"p50us"`
	P99us          float64 `json:"p99us"`
	MaxUs          float64 `json:"maxUs"`
}

func runSSE(args []string) error {
	fs := flag.NewFlagSet("sse", flag.ExitOnError)
	var c clientFlags
	c.register(fs)
	streams := fs.Int("streams", 1000, "concurrent open streams")
	seconds := fs.Float64("seconds", 5, "how long to measure once all streams are open")
	_ = fs.Parse(args)
	if err := c.load(); err != nil {
		return err
	}
	transport, err := c.transport(*streams)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: transport}

	var mu sync.Mutex
	result := SSEResult{Streams: *streams}
	var delays []time.Duration
	measuring := make(chan struct{})
	stop := make(chan struct{})
	fail := func(err error) {
		mu.Lock()
		result.Errors++
		if result.FirstError == "" {
			result.FirstError = err.Error()
		}
		mu.Unlock()
	}
	// SSE_DUMP=file writes "sent-unix-ns delay-µs" per measured event: where the slow ones fall in time.
	var dump *os.File
	if p := os.Getenv("SSE_DUMP"); p != "" {
		if dump, err = os.Create(p); err != nil {
			return err
		}
		defer dump.Close()
	}
	var connected sync.WaitGroup
	var done sync.WaitGroup
	start := time.Now()
	for i := 0; i < *streams; i++ {
		connected.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			resp, err := client.Get(c.url)
			if err != nil {
				connected.Done()
				fail(err)
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != 200 {
				connected.Done()
				fail(fmt.Errorf("status %d", resp.StatusCode))
				return
			}
			mu.Lock()
			result.Connected++
			mu.Unlock()
			connected.Done()
			go func() { <-stop; resp.Body.Close() }()
			reader := bufio.NewReader(resp.Body)
			for {
				line, err := reader.ReadString('\n')
				if err != nil {
					return
				}
				received := time.Now()
				sentNanos, ok := strings.CutPrefix(strings.TrimSpace(line), "data: ")
				if !ok {
					continue
				}
				select {
				case <-measuring:
				default:
					continue
				}
				ns, err := strconv.ParseInt(sentNanos, 10, 64)
				if err != nil {
					continue
				}
				mu.Lock()
				delays = append(delays, received.Sub(time.Unix(0, ns)))
				if dump != nil {
					fmt.Fprintf(dump, "%d %d\n", ns, received.Sub(time.Unix(0, ns)).Microseconds())
				}
				mu.Unlock()
			}
		}()
	}
	connected.Wait()
	result.ConnectSeconds = time.Since(start).Seconds()
	fmt.Fprintf(os.Stderr, "sse: %d/%d streams open\n", result.Connected, *streams)
	close(measuring)
	time.Sleep(time.Duration(*seconds * float64(time.Second)))
	close(stop)
	done.Wait()
	s := summarize(delays, 0, "", 0)
	result.Events = len(delays)
	result.P50us, result.P99us, result.MaxUs = s.P50us, s.P99us, s.MaxUs
	return printJSON(result)
}
