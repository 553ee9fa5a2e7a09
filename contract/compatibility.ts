// The versions this build is tested against (the Go modules the e2e suites build or read: test/e2e/gobuild/*/go.mod;
// compatibility.test.ts fails when these drift from those pins). `mcp-header-forward version` prints them.
export const TESTED_TOOLHIVE_VERSION = 'v0.44.0';
/** The PolicyReport CRD (wgpolicyk8s.io/v1alpha2) the background scan writes to is tested as this Kyverno release ships it. */
export const TESTED_KYVERNO_VERSION = 'v1.19.1';
export const TESTED_KUBERNETES_VERSION = 'v1.36.3';
export const TESTED_ETCD_VERSION = 'v3.6.8';
/** The helm CLI the chart (charts/mcp-header-forward) is linted, rendered and packaged with. */
export const TESTED_HELM_VERSION = 'v4.3.2';
/** ToolHive forwards headerForward headers itself from here on (its PR #5239, the in-process fix that followed #5013): sealed mode applies. */
export const TOOLHIVE_FORWARDS_SINCE = 'v0.27.2';
/**
 * The oldest Kubernetes `check` accepts: the Secret guard's matchConditions are on by default from 1.28 (beta;
 * GA in 1.30). Older API servers drop the field and would send the guard every Secret UPDATE and DELETE.
 */
export const MIN_KUBERNETES_VERSION = 'v1.28.0';
/** Native sidecars (initContainers with restartPolicy Always), the injector's default --sidecar-mode. */
export const NATIVE_SIDECARS_SINCE = 'v1.29.0';
