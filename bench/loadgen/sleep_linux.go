package main

import (
	"syscall"
	"time"
)

// prSetTimerSlack is prctl's PR_SET_TIMERSLACK: the kernel may delay a sleeping thread's wakeup by this many ns
// (50 µs by default) to batch wakeups.
const prSetTimerSlack = 29

// preciseSleep sleeps for d within about 20-60 µs. time.Sleep cannot: an idle Go runtime waits for its timers
// in epoll_pwait, whose timeout is in milliseconds, so time.Sleep(250 µs) took 1.08 ms here (p50, 500 sleeps),
// which turned the stand-in's 250 µs API latency into a millisecond and made the open-loop sender late by up to a
// millisecond per request, counted as latency. nanosleep blocks the thread on a high-resolution timer instead, and
// a 1 ns timer slack (set on the thread that sleeps) stops the kernel from adding its default 50 µs.
func preciseSleep(d time.Duration) {
	if d <= 0 {
		return
	}
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, 1, 0)
	ts := syscall.NsecToTimespec(int64(d))
	for syscall.Nanosleep(&ts, &ts) == syscall.EINTR {
	}
}
