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
	body         []byte
}

func (c *clientFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.url, "url", "", "target URL")
	fs.StringVar(&c.proxy, "proxy", "", "forward proxy URL (like HTTP_PROXY/HTTPS_PROXY); empty: direct")
	fs.StringVar(&c.caFiles, "ca", "", "comma-separated PEM files trusted for https (in place of system roots)")
	fs.StringVar(&c.method, "method", "GET", "HTTP method")
	fs.StringVar(&c.bodyFile, "body-file", "", "request body file")
	fs.StringVar(&c.contentType, "content-type", "application/json", "request Content-Type when a body is sent")
	fs.StringVar(&c.expectHeader, "expect-header", "", "response header that must be present (proves the proxy added ours)")
	fs.StringVar(&c.expectBody, "expect-body", "", "text the response body must contain (proves the server did the real work)")
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
	}
	return t, nil
}

// do sends one request and drains the body; a non-2xx status or a missing expected header is an error.
func (c *clientFlags) do(client *http.Client) error {
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, c.url, body)
	if err != nil {
		return err
	}
	if c.body != nil {
		req.Header.Set("Content-Type", c.contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	var received []byte
	if c.expectBody != "" {
		received, err = io.ReadAll(resp.Body)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	if c.expectHeader != "" && resp.Header.Get(c.expectHeader) == "" {
		return fmt.Errorf("response lacks %s: the proxy did not add the forwarded header", c.expectHeader)
	}
	if c.expectBody != "" && !bytes.Contains(received, []byte(c.expectBody)) {
		return fmt.Errorf("response body lacks %q: %.300s", c.expectBody, received)
	}
	return nil
}
