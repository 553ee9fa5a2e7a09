// goclient is the HTTP client of the sidecar tests: Go's net/http with http.ProxyFromEnvironment and the
// default root store (SSL_CERT_DIR / SSL_CERT_FILE), which is what vMCP's backend client uses.
//
//	goclient [-X METHOD] [-d BODY] [-H 'Name: value']... [-stream] URL
//
// Without -stream it prints one JSON object {status, headers, body}. With -stream it prints "STATUS <code>"
// and then every body line as soon as it arrives, so a test can watch SSE events in real time.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

type headerFlags []string

func (h *headerFlags) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlags) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	method := flag.String("X", "GET", "request method")
	body := flag.String("d", "", "request body")
	stream := flag.Bool("stream", false, "print body lines as they arrive")
	var headers headerFlags
	flag.Var(&headers, "H", "request header 'Name: value' (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: goclient [-X METHOD] [-d BODY] [-H 'Name: value'] [-stream] URL")
		os.Exit(2)
	}
	var reader io.Reader
	if *body != "" {
		reader = strings.NewReader(*body)
	}
	req, err := http.NewRequest(*method, flag.Arg(0), reader)
	if err != nil {
		fail(err)
	}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			fail(fmt.Errorf("header %q has no colon", h))
		}
		req.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	// http.DefaultClient: DefaultTransport (Proxy: http.ProxyFromEnvironment), system roots. It follows redirects.
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fail(err)
	}
	defer resp.Body.Close()
	if *stream {
		fmt.Printf("STATUS %d\n", resp.StatusCode)
		scanner := bufio.NewScanner(resp.Body)
		for scanner.Scan() {
			fmt.Println(scanner.Text())
		}
		if err := scanner.Err(); err != nil {
			fail(err)
		}
		return
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		fail(err)
	}
	out, _ := json.Marshal(map[string]any{"status": resp.StatusCode, "headers": resp.Header, "body": string(data)})
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "goclient:", err)
	os.Exit(1)
}
