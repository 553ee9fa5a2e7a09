// Pins the Prometheus Operator whose CRDs (example/prometheus-operator-crd: ServiceMonitor, PodMonitor,
// PrometheusRule) the e2e validates manifests/monitoring against. Nothing here is built or imported, so
// `go mod tidy` would drop the require: do not run it here; change the version and go.sum by hand
// (go mod download -json github.com/prometheus-operator/prometheus-operator@<version> prints both sums).
module mcp-header-forward/test/e2e/gobuild/prometheus-operator

go 1.26.0

require github.com/prometheus-operator/prometheus-operator v0.85.0
