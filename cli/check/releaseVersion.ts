// Release versions as Kubernetes and ToolHive write them (`v1.36.3`, `v1.29.4-eks-49a6c0`, `1.30.2+k3s1`):
// only MAJOR.MINOR.PATCH counts; a vendor suffix or pre-release tag does not make a version older.

export interface Release {
  major: number;
  minor: number;
  patch: number;
}

export function parseRelease(text: string | undefined): Release | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text?.trim() ?? '');
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareReleases(a: Release, b: Release): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function formatRelease(release: Release): string {
  return `v${release.major}.${release.minor}.${release.patch}`;
}
