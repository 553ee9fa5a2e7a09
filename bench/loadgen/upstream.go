package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// The upstream's fixed reply: a small MCP-like JSON-RPC result.
var reply = []byte(`{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ok"}]}}`)

// nextStream numbers /sse streams in the order they arrive.
var nextStream atomic.Uint64

// streamPhase is the n-th stream's offset in the interval: n times the golden ratio, modulo 1, spreads any
// number of streams evenly (no two closer than about interval/(2.6 n)), whenever they connect.
func streamPhase(n uint64, interval time.Duration) time.Duration {
	const golden = 0.6180339887498949
	f := float64(n) * golden
	return time.Duration((f - math.Floor(f)) * float64(interval))
}

// untilPhase is how long until the wall clock next reaches `phase` within the interval: all streams share one grid,
// whenever each connected.
func untilPhase(phase, interval time.Duration) time.Duration {
	into := time.Duration(time.Now().UnixNano() % int64(interval))
	return (phase - into + interval) % interval
}

// upstreamHandler answers every path with the fixed reply, and /sse with a stream of timestamped events.
// It echoes whether the forwarded header arrived, so the client can prove each proxy added it.
func upstreamHandler(header string, sseInterval time.Duration) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/sse", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(header) != "" {
			w.Header().Set("X-Bench-Seen", "1")
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusOK)
		flusher := w.(http.Flusher)
		flusher.Flush()
		// Each stream gets its own phase in the interval, so the streams' events arrive evenly spread rather
		// than in bursts (a delay measured in a burst is the proxy's fan-out time; see docs/benchmarks.md).
		time.Sleep(untilPhase(streamPhase(nextStream.Add(1), sseInterval), sseInterval))
		ticker := time.NewTicker(sseInterval)
		defer ticker.Stop()
		for {
			if _, err := fmt.Fprintf(w, "data: %d\n\n", time.Now().UnixNano()); err != nil {
				return
			}
			flusher.Flush()
			select {
			case <-r.Context().Done():
				return
			case <-ticker.C:
			}
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(header) != "" {
			w.Header().Set("X-Bench-Seen", "1")
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(reply)))
		_, _ = w.Write(reply)
	})
	return mux
}

func runUpstream(args []string) error {
	fs := flag.NewFlagSet("upstream", flag.ExitOnError)
	httpAddr := fs.String("http", "127.0.0.1:0", "plain HTTP/1.1 listen address")
	httpsAddr := fs.String("https", "", "HTTPS listen address (needs -cert and -key)")
	certFile := fs.String("cert", "", "PEM certificate for -https")
	keyFile := fs.String("key", "", "PEM key for -https")
	header := fs.String("header", "X-Bench-Auth", "the forwarded header whose arrival is echoed as X-Bench-Seen")
	sseInterval := fs.Duration("sse-interval", time.Second, "time between events on each /sse stream")
	_ = fs.Parse(args)
	handler := upstreamHandler(*header, *sseInterval)

	errs := make(chan error, 2)
	serve := func(addr string, tlsConfig *tls.Config) {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			errs <- err
			return
		}
		server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
		// HTTP/1.1 only, like the MCP servers behind vMCP usually are.
		server.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
		scheme := "http"
		if tlsConfig != nil {
			scheme = "https"
			ln = tls.NewListener(ln, tlsConfig)
		}
		fmt.Printf("%s %s\n", scheme, ln.Addr())
		errs <- server.Serve(ln)
	}
	go serve(*httpAddr, nil)
	if *httpsAddr != "" {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			return fmt.Errorf("-cert/-key: %w", err)
		}
		go serve(*httpsAddr, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-signals:
		return nil
	case err := <-errs:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}
