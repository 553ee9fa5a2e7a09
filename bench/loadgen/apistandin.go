package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// StandInFixtures is what the runner writes: list bodies by path, and Secrets by namespace/name.
type StandInFixtures struct {
	Lists   map[string]json.RawMessage `json:"lists"`
	Secrets map[string]json.RawMessage `json:"secrets"`
}

var secretPath = regexp.MustCompile(`^/api/v1/namespaces/([^/]+)/secrets/([^/]+)$`)

// runAPIStandIn serves just enough of the Kubernetes API for the webhook: Secret GETs and SubjectAccessReviews
// after a fixed delay (the cost of a real API server round trip), and list + watch for its informers (watches
// stay silent).
func runAPIStandIn(args []string) error {
	fs := flag.NewFlagSet("apistandin", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:0", "HTTPS listen address")
	certFile := fs.String("cert", "", "PEM serving certificate")
	keyFile := fs.String("key", "", "PEM key")
	fixturesFile := fs.String("fixtures", "", "JSON {lists: {path: body}, secrets: {ns/name: body}}")
	secretLatency := fs.Duration("secret-latency", 250*time.Microsecond, "fixed delay before each Secret GET answers")
	_ = fs.Parse(args)
	raw, err := os.ReadFile(*fixturesFile)
	if err != nil {
		return fmt.Errorf("-fixtures: %w", err)
	}
	var fixtures StandInFixtures
	if err := json.Unmarshal(raw, &fixtures); err != nil {
		return fmt.Errorf("-fixtures: %w", err)
	}
	cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	if err != nil {
		return fmt.Errorf("-cert/-key: %w", err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if m := secretPath.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodGet {
			preciseSleep(*secretLatency)
			if body, ok := fixtures.Secrets[m[1]+"/"+m[2]]; ok {
				_, _ = w.Write(body)
				return
			}
			notFound(w, "secrets \""+m[2]+"\" not found")
			return
		}
		if r.Method == http.MethodPost && r.URL.Path == accessReviewPath {
			preciseSleep(*secretLatency)
			answerAccessReview(w, r)
			return
		}
		body, ok := fixtures.Lists[strings.TrimSuffix(r.URL.Path, "/")]
		if !ok || r.Method != http.MethodGet {
			notFound(w, "the bench stand-in does not serve "+r.Method+" "+r.URL.Path)
			return
		}
		if r.URL.Query().Get("watch") == "true" || r.URL.Query().Get("watch") == "1" {
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		_, _ = w.Write(body)
	})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Printf("https %s\n", ln.Addr())
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}}
	errs := make(chan error, 1)
	go func() { errs <- server.ServeTLS(ln, "", "") }()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-signals:
		return nil
	case err := <-errs:
		return err
	}
}

const accessReviewPath = "/apis/authorization.k8s.io/v1/subjectaccessreviews"

// answerAccessReview allows every SubjectAccessReview (the bench's author may read its Secrets), echoing the
// spec back as the API server does.
func answerAccessReview(w http.ResponseWriter, r *http.Request) {
	var review map[string]any
	if err := json.NewDecoder(r.Body).Decode(&review); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	review["status"] = map[string]any{"allowed": true, "reason": "bench stand-in allows"}
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(review)
}

func notFound(w http.ResponseWriter, message string) {
	w.WriteHeader(http.StatusNotFound)
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message, "reason": "NotFound", "code": 404})
}
