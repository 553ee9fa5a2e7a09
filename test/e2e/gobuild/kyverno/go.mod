// Kyverno's published Go module, for one file of it: the PolicyReport CRD (wgpolicyk8s.io/v1alpha2,
// config/crds/policyreport) the e2e installs. The one pin of that CRD's version. Nothing is built from here: the
// module is only downloaded (`go mod download -json`); do not `go mod tidy` (with nothing imported it would drop
// the requirement).
module mcp-header-forward/test/e2e/gobuild/kyverno

go 1.26.0

require github.com/kyverno/kyverno v1.19.1
