package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// clientFlags are shared by load, rate and sse.
type clientFlags struct {
	url          string
	proxy        string
	caFiles      string
	method       string
	bodyFile     string
	contentType  string
	expectHeader string
	expectBody   string
	shedBody     string
	client       string
	body         []byte
	// proto is the protocol of the first response (HTTP/1.1 or HTTP/2.0), to show what was negotiated.
	proto atomic.Value
}

// kube-apiserver's webhook client (k8s.io/apiserver/pkg/util/webhook/client.go, k8s.io/client-go/transport/cache.go):
// HTTP/1.1 only (NextProtos ["http/1.1"]) for a service or a non-loopback URL, h2 allowed for a loopback URL, keep-alive
// with at most 25 idle connections per host (the rest are closed after their request), no TLS session cache.
const apiServerIdleConnsPerHost = 25

func (c *clientFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.url, "url", "", "target URL")
	fs.StringVar(&c.proxy, "proxy", "", "forward proxy URL (like HTTP_PROXY/HTTPS_PROXY); empty: direct")
	fs.StringVar(&c.caFiles, "ca", "", "comma-separated PEM files trusted for https (in place of system roots)")
	fs.StringVar(&c.method, "method", "GET", "HTTP method")
	fs.StringVar(&c.bodyFile, "body-file", "", "request body file")
	fs.StringVar(&c.contentType, "content-type", "application/json", "request Content-Type when a body is sent")
	fs.StringVar(&c.expectHeader, "expect-header", "", "response header that must be present (proves the proxy added ours)")
	fs.StringVar(&c.expectBody, "expect-body", "", "text the response body must contain (proves the server did the real work)")
	fs.StringVar(&c.shedBody, "shed-body", "", "text marking a response the server shed (answered without doing the work): counted as shed, not as an error or a latency")
	fs.StringVar(&c.client, "client", "default", "default (keep-alive, as many idle connections as workers, HTTP/1.1); apiserver (like kube-apiserver's webhook client: HTTP/1.1, 25 idle connections per host); apiserver-h2 (the same with h2 allowed, as kube-apiserver does for a loopback URL)")
}

func (c *clientFlags) load() error {
	if c.url == "" {
		return errors.New("-url is required")
	}
	if c.bodyFile != "" {
		body, err := os.ReadFile(c.bodyFile)
		if err != nil {
			return fmt.Errorf("-body-file: %w", err)
		}
		c.body = body
	}
	return nil
}

func (c *clientFlags) transport(maxConns int) (*http.Transport, error) {
	t := &http.Transport{
		MaxIdleConns:        maxConns,
		MaxIdleConnsPerHost: maxConns,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   false,
		DisableCompression:  true,
	}
	switch c.client {
	case "default":
	case "apiserver", "apiserver-h2":
		t.MaxIdleConns = 0
		t.MaxIdleConnsPerHost = apiServerIdleConnsPerHost
		t.ForceAttemptHTTP2 = c.client == "apiserver-h2"
	default:
		return nil, fmt.Errorf("-client %q: use default, apiserver or apiserver-h2", c.client)
	}
	if c.proxy != "" {
		proxyURL, err := url.Parse(c.proxy)
		if err != nil {
			return nil, fmt.Errorf("-proxy: %w", err)
		}
		t.Proxy = http.ProxyURL(proxyURL)
	}
	if c.caFiles != "" {
		pool := x509.NewCertPool()
		for _, file := range strings.Split(c.caFiles, ",") {
			pem, err := os.ReadFile(file)
			if err != nil {
				return nil, fmt.Errorf("-ca: %w", err)
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("-ca: no certificate in %s", file)
			}
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		if c.client == "apiserver" {
			t.TLSClientConfig.NextProtos = []string{"http/1.1"}
		}
	}
	return t, nil
}

// do sends one request and drains the body; a non-2xx status or a missing expected header is an error. shed: the
// server answered with -shed-body (it did not do the work).
func (c *clientFlags) do(client *http.Client) (shed bool, err error) {
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, c.url, body)
	if err != nil {
		return false, err
	}
	if c.body != nil {
		req.Header.Set("Content-Type", c.contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	c.proto.CompareAndSwap(nil, resp.Proto)
	var received []byte
	if c.expectBody != "" || c.shedBody != "" {
		received, err = io.ReadAll(resp.Body)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	resp.Body.Close()
	if err != nil {
		return false, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return false, fmt.Errorf("status %d", resp.StatusCode)
	}
	if c.expectHeader != "" && resp.Header.Get(c.expectHeader) == "" {
		return false, fmt.Errorf("response lacks %s: the proxy did not add the forwarded header", c.expectHeader)
	}
	if c.shedBody != "" && bytes.Contains(received, []byte(c.shedBody)) {
		return true, nil
	}
	if c.expectBody != "" && !bytes.Contains(received, []byte(c.expectBody)) {
		return false, fmt.Errorf("response body lacks %q: %.300s", c.expectBody, received)
	}
	return false, nil
}

// negotiated is the protocol of the first response, "" before any.
func (c *clientFlags) negotiated() string {
	p, _ := c.proto.Load().(string)
	return p
}
