//go:build !linux

package main

import "time"

// preciseSleep: the bench runs on Linux (sleep_linux.go); elsewhere time.Sleep, with its coarser wakeups.
func preciseSleep(d time.Duration) { time.Sleep(d) }
