// Command loadgen is the benchmark's load generator and upstream: one binary, no dependencies, so the
// client behaves like vMCP's Go HTTP client (a Transport with a proxy URL, CONNECT for https).
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	args := os.Args[2:]
	var err error
	switch os.Args[1] {
	case "upstream":
		err = runUpstream(args)
	case "load":
		err = runClosedLoop(args)
	case "rate":
		err = runFixedRate(args)
	case "sse":
		err = runSSE(args)
	case "apistandin":
		err = runAPIStandIn(args)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadgen %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: loadgen upstream|apistandin|load|rate|sse [flags] (each subcommand: -h for its flags)")
	os.Exit(2)
}

// printJSON writes one result object on stdout: the runner parses exactly one JSON line.
func printJSON(v any) error {
	return json.NewEncoder(os.Stdout).Encode(v)
}
