//go:build tools

// Package tools pins ToolHive's commands the e2e builds (the vMCP gateway and the operator) so `go mod tidy`
// keeps their dependencies.
package tools

import (
	_ "github.com/stacklok/toolhive/cmd/thv-operator"
	_ "github.com/stacklok/toolhive/cmd/vmcp"
)
