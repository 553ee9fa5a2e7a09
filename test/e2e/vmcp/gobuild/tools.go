//go:build tools

// Package tools pins cmd/vmcp so `go mod tidy` keeps its dependencies.
package tools

import _ "github.com/stacklok/toolhive/cmd/vmcp"
