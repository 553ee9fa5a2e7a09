module mcp-header-forward.dev/bench/loadgen

go 1.22
