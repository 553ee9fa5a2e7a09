// The Go module's go.mod is the one place the Kubernetes and etcd versions are pinned; everything else reads it.
export interface ControlPlaneVersions {
  kubernetes: string;
  etcd: string;
}

const REQUIRE_LINE = /^\s*(?:require\s+)?(\S+)\s+(v\d+\.\d+\.\d+\S*)/;

/** Parse the pinned versions from the text of test/e2e/gobuild/kubernetes/go.mod. */
export function parseGoModVersions(goMod: string): ControlPlaneVersions {
  const found = new Map<string, string>();
  for (const line of goMod.split('\n')) {
    const match = REQUIRE_LINE.exec(line);
    if (match) found.set(match[1]!, match[2]!);
  }
  const kubernetes = found.get('k8s.io/kubernetes');
  const etcd = found.get('go.etcd.io/etcd/server/v3');
  if (!kubernetes || !etcd) {
    throw new Error(
      'go.mod of the control-plane build module must require k8s.io/kubernetes and go.etcd.io/etcd/server/v3 ' +
        `(found kubernetes=${kubernetes ?? 'none'}, etcd=${etcd ?? 'none'})`,
    );
  }
  return { kubernetes, etcd };
}

/** Linker flags so `kubectl version` and /version report the pinned release instead of v0.0.0-master. */
export function versionLdflags(kubernetes: string): string[] {
  const match = /^v(\d+)\.(\d+)\./.exec(kubernetes);
  if (!match) throw new Error(`k8s.io/kubernetes version "${kubernetes}" is not vMAJOR.MINOR.PATCH`);
  const pkg = 'k8s.io/component-base/version';
  return [
    `-X ${pkg}.gitVersion=${kubernetes}`,
    `-X ${pkg}.gitMajor=${match[1]}`,
    `-X ${pkg}.gitMinor=${match[2]}`,
    `-X ${pkg}.gitTreeState=clean`,
  ];
}
