module mcp-header-forward/test/goclient

go 1.22
