//go:build tools

// Package tools pins Kyverno's admission controller, the command the bench builds, so `go mod tidy` keeps its
// dependencies.
package tools

import (
	_ "github.com/kyverno/kyverno/cmd/kyverno"
)
