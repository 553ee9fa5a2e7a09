package main

import (
	"sort"
	"time"
)

// Summary is what the runner reads: latencies in microseconds.
type Summary struct {
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"firstError,omitempty"`
	Seconds    float64 `json:"seconds"`
	RPS        float64 `json:"rps"`
	P50us      float64 `json:"p50us"`
	P90us      float64 `json:"p90us"`
	P99us      float64 `json:"p99us"`
	MaxUs      float64 `json:"maxUs"`
	MeanUs     float64 `json:"meanUs"`
	Truncated  bool    `json:"truncated,omitempty"`
	// Shed: answers marked by -shed-body (the server declined the work); neither errors nor latencies.
	Shed int `json:"shed,omitempty"`
	// NotSent: requests an open-loop run did not send because -max-in-flight were outstanding.
	NotSent int `json:"notSent,omitempty"`
	// Proto: the protocol the first response came over (HTTP/1.1, HTTP/2.0).
	Proto string `json:"proto,omitempty"`
}

// percentile uses nearest-rank on a sorted slice.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.5) - 1
	if rank < 0 {
		rank = 0
	}
	if rank >= len(sorted) {
		rank = len(sorted) - 1
	}
	return sorted[rank]
}

func summarize(latencies []time.Duration, errors int, firstError string, elapsed time.Duration) Summary {
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	var total time.Duration
	for _, d := range latencies {
		total += d
	}
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
	s := Summary{
		Requests:   len(latencies),
		Errors:     errors,
		FirstError: firstError,
		Seconds:    elapsed.Seconds(),
		P50us:      us(percentile(latencies, 50)),
		P90us:      us(percentile(latencies, 90)),
		P99us:      us(percentile(latencies, 99)),
	}
	if len(latencies) > 0 {
		s.MaxUs = us(latencies[len(latencies)-1])
		s.MeanUs = us(total / time.Duration(len(latencies)))
	}
	if elapsed > 0 {
		s.RPS = float64(len(latencies)) / elapsed.Seconds()
	}
	return s
}
