import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALLOWED_HOSTS_ANNOTATION } from '../contract/labels.js';
import { MISSING_SECRET_ADMITTED } from '../webhook/validate/secretPolicy.js';
import { runValidate, validateCommand, type ValidateOptions } from './validate.js';

const EXAMPLES = new URL('../examples/', import.meta.url).pathname;
const GOOD = join(EXAMPLES, 'good-entry.yaml');
const BAD = join(EXAMPLES, 'bad-entry.yaml');
const SECRET = join(EXAMPLES, 'github-token-secret.yaml');

async function run(
  options: Partial<ValidateOptions> & { filename: string[] },
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runValidate(
    { output: 'text', secretLookupTimeout: 1_000, ...options },
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => stdin },
  );
  return { code, stdout, stderr };
}

describe('validate CLI (through runValidate)', () => {
  let dir: string;
  const file = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mhf-validate-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits 0 for the good example with its Secret', async () => {
    const result = await run({ filename: [GOOD], secrets: [SECRET] });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('MCPServerEntry team-a/github');
    expect(result.stdout).toContain('ALLOWED');
  });

  it('exits 1 for the bad example and prints the documented JSON shape', async () => {
    const result = await run({ filename: [BAD, GOOD], secrets: [SECRET], output: 'json' });
    expect(result.code).toBe(1);
    const reports = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(reports.map((r) => Object.keys(r))).toEqual([
      ['namespace', 'name', 'allowed', 'violations', 'warnings', 'warningFindings'],
      ['namespace', 'name', 'allowed', 'violations', 'warnings', 'warningFindings'],
    ]);
    expect(reports[0]).toMatchObject({ namespace: 'team-a', name: 'internal-tools', allowed: false });
    expect(reports[1]).toEqual({ namespace: 'team-a', name: 'github', allowed: true, violations: [], warnings: [], warningFindings: [] });
    const violations = reports[0]!.violations as Array<Record<string, string>>;
    expect(violations.every((v) => Object.keys(v).join() === 'reason,field,message')).toBe(true);
    expect(violations.map((v) => v.field)).toContain('spec.headerForward.addHeadersFromSecret[2].valueSecretRef.key');
    expect(violations.find((v) => v.field?.endsWith('[2].valueSecretRef.key'))).toMatchObject({
      reason: 'InvalidHeaderValue',
      message: expect.stringContaining('trailing newline'),
    });
  });

  it('walks a directory for -f and --secrets: its .yaml/.yml/.json files, recursively, in path order', async () => {
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'b', 'deeper'), { recursive: true });
    await mkdir(join(tree, 'secrets'));
    const entry = (name: string): string =>
      `apiVersion: toolhive.stacklok.dev/v1alpha1\nkind: MCPServerEntry\nmetadata: {name: ${name}, namespace: team-a}\nspec: {remoteUrl: https://api.example.com/mcp, groupRef: {name: g}}\n`;
    await writeFile(join(tree, 'b', 'deeper', 'z.yml'), entry('z'));
    await writeFile(
      join(tree, 'a.json'),
      JSON.stringify({
        apiVersion: 'toolhive.stacklok.dev/v1alpha1',
        kind: 'MCPServerEntry',
        metadata: { name: 'a', namespace: 'team-a' },
        spec: { remoteUrl: 'https://api.example.com/mcp', groupRef: { name: 'g' } },
      }),
    );
    await writeFile(join(tree, 'b', 'm.yaml'), entry('m'));
    await writeFile(join(tree, 'README.md'), 'not a manifest');
    const result = await run({ filename: [tree], output: 'json' });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect((JSON.parse(result.stdout) as Array<{ name: string }>).map((r) => r.name)).toEqual(['a', 'z', 'm']); // a.json, b/deeper/z.yml, b/m.yaml: as Go's filepath.Walk
    const empty = await run({ filename: [join(tree, 'secrets')] });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('secrets: a directory with no .yaml, .yml or .json file under it');
  });

  it('-o yaml is the -o json array', async () => {
    const json = await run({ filename: [BAD, GOOD], secrets: [SECRET], output: 'json' });
    const yaml = await run({ filename: [BAD, GOOD], secrets: [SECRET], output: 'yaml' });
    expect(yaml.code).toBe(1);
    expect(yaml.stdout).toMatch(/^- namespace: team-a$/m);
    expect(parse(yaml.stdout)).toEqual(JSON.parse(json.stdout));
  });

  it('prints text a person can paste: every problem with its fix and a summary', async () => {
    const { stdout } = await run({ filename: [BAD], secrets: [SECRET] });
    expect(stdout).toMatch(/^MCPServerEntry team-a\/internal-tools \[.*bad-entry\.yaml\]: DENIED \(6 problems\)$/m);
    expect(stdout).toMatch(/^ {2}- spec\.remoteUrl: targets a private endpoint/m);
    expect(stdout).toMatch(/^ {4}fix: /m);
    expect(stdout).toMatch(/^ {2}warning: spec\.headerForward\.addPlaintextHeaders\["X-Api-Key"\]/m);
    expect(stdout).toMatch(/^1 entry: 0 allowed, 1 denied$/m);
  });

  it('reads several documents and List kinds, puts namespace-less objects in default, and skips other kinds', async () => {
    const multi = await file(
      'multi.yaml',
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated}',
        'apiVersion: v1\nkind: List\nitems:\n- apiVersion: toolhive.stacklok.dev/v1beta1\n  kind: MCPServerEntry\n  metadata: {name: one}\n  spec: {remoteUrl: "https://a.example.com", transport: sse, groupRef: {name: g}}\n- apiVersion: toolhive.stacklok.dev/v1alpha1\n  kind: MCPServerEntry\n  metadata: {name: two, namespace: ns2}\n  spec: {remoteUrl: "http://localhost:1", transport: sse, groupRef: {name: g}}',
      ].join('\n---\n'),
    );
    const result = await run({ filename: [multi], output: 'json' });
    expect(result.code).toBe(1);
    expect(
      (JSON.parse(result.stdout) as Array<{ namespace: string; name: string; allowed: boolean }>).map((r) => [
        r.namespace,
        r.name,
        r.allowed,
      ]),
    ).toEqual([
      ['default', 'one', true],
      ['ns2', 'two', false],
    ]);
    expect(result.stderr).toContain('skipped 1 document(s) that are not MCPServerEntry: ConfigMap unrelated');
  });

  it('entries of one file, namespace and group whose secret header env vars collide are both denied; another namespace is not', async () => {
    const entryDoc = (name: string, namespace?: string) =>
      `apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPServerEntry\nmetadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}}\nspec: {remoteUrl: "https://a.example.com", transport: sse, groupRef: {name: g}, headerForward: {addHeadersFromSecret: [{headerName: X-Key, valueSecretRef: {name: s, key: k}}]}}`;
    const twins = await file('twins.yaml', [entryDoc('my-entry'), entryDoc('my.entry'), entryDoc('My.Entry', 'elsewhere')].join('\n---\n'));
    const secrets = await file(
      'twin-secrets.yaml',
      ['default', 'elsewhere']
        .map((ns) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ${ns}}\nstringData: {k: v}`)
        .join('\n---\n'),
    );
    const result = await run({ filename: [twins], secrets: [secrets], output: 'json' });
    expect(result.code).toBe(1);
    const reports = JSON.parse(result.stdout) as Array<{
      namespace: string;
      name: string;
      allowed: boolean;
      violations: { message: string }[];
    }>;
    expect(reports.map((r) => [r.namespace, r.name, r.allowed])).toEqual([
      ['default', 'my-entry', false],
      ['default', 'my.entry', false],
      ['elsewhere', 'My.Entry', true],
    ]);
    expect(reports[1]!.violations[0]!.message).toContain(
      'env var TOOLHIVE_SECRET_HEADER_FORWARD_X_KEY_MY_ENTRY, which MCPServerEntry "my-entry"',
    );
  });

  it('reads JSON and stdin', async () => {
    const entry = {
      apiVersion: 'toolhive.stacklok.dev/v1beta1',
      kind: 'MCPServerEntry',
      metadata: { name: 'j' },
      spec: { remoteUrl: 'https://a.example.com' },
    };
    expect((await run({ filename: ['-'] }, JSON.stringify(entry))).code).toBe(0);
  });

  it('looks Secrets up in their namespace: a Secret in another namespace does not count', async () => {
    const elsewhere = await file(
      'elsewhere.yaml',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: github-token, namespace: other}\nstringData: {authorization: x}\n',
    );
    const { code, stdout } = await run({ filename: [GOOD], secrets: [elsewhere] });
    expect(code).toBe(1);
    expect(stdout).toContain('Secret "github-token" not found in namespace "team-a"');
  });

  it('fails closed when no Secret source was given, and says how to give one', async () => {
    const { code, stdout } = await run({ filename: [GOOD] });
    expect(code).toBe(1);
    expect(stdout).toContain('no Secret source given (pass --secrets FILE or --kubeconfig PATH)');
  });

  it('reports an entry that does not fit the CRD shape as denied, with the field', async () => {
    const odd = await file(
      'odd.yaml',
      'apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPServerEntry\nmetadata: {name: odd}\nspec:\n  headerForward:\n    addHeadersFromSecret: {not: a list}\n',
    );
    const { code, stdout } = await run({ filename: [odd], output: 'json' });
    expect(code).toBe(1);
    expect(JSON.parse(stdout)[0].violations[0]).toMatchObject({
      reason: 'UnreadableObject',
      field: 'spec.headerForward.addHeadersFromSecret',
    });
  });

  it.each([
    ['a missing file', async () => ({ filename: [join(dir, 'missing.yaml')] }), /cannot read .*missing\.yaml/],
    ['a file without entries', async () => ({ filename: [SECRET] }), /no MCPServerEntry/],
    ['broken YAML', async () => ({ filename: [await file('broken.yaml', 'a: [\n')] }), /broken\.yaml:\d+:\d+: not valid YAML/],
    ['a non-Secret in --secrets', async () => ({ filename: [GOOD], secrets: [GOOD] }), /--secrets files may hold only kind Secret/],
    [
      'non-base64 data',
      async () => ({
        filename: [GOOD],
        secrets: [await file('b64.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: "not base64!"}\n')],
      }),
      /data\.k is not base64/,
    ],
  ])('exits 2 on %s', async (_case, options, message) => {
    const result = await run(await options());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('never prints a Secret value, valid or not, nor quotes a broken Secrets file', async () => {
    const sentinel = `sentinel-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const values = { authorization: sentinel, bad: `${sentinel}\r\nX-Evil: 1`, trailing: `${sentinel}\n` };
    const secrets = await file(
      'sentinel.yaml',
      JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'github-token', namespace: 'team-a' }, stringData: values }),
    );
    const entryText = JSON.stringify({
      apiVersion: 'toolhive.stacklok.dev/v1beta1',
      kind: 'MCPServerEntry',
      metadata: { name: 'e', namespace: 'team-a' },
      spec: {
        remoteUrl: 'https://a.example.com',
        headerForward: {
          addHeadersFromSecret: Object.keys(values).map((key) => ({
            headerName: `X-${key}`,
            valueSecretRef: { name: 'github-token', key },
          })),
        },
      },
    });
    const entryFile = await file('sentinel-entry.json', entryText);
    const outputs: string[] = [];
    for (const output of ['text', 'json'] as const) {
      const result = await run({ filename: [entryFile], secrets: [secrets], output });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('trailing newline');
      outputs.push(result.stdout, result.stderr);
    }
    const broken = await file('broken-secret.yaml', `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  k: [${sentinel}\n`);
    const failed = await run({ filename: [entryFile], secrets: [broken] });
    expect(failed.code).toBe(2);
    outputs.push(failed.stdout, failed.stderr);
    for (const text of outputs) expect(text).not.toContain(sentinel);
  });
});

/** Through the command, as a user types it: proves the flags are defined and reach the rules. */
async function runCommand(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  process.exitCode = undefined;
  const command = validateCommand({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => '' });
  await command.parseAsync(args, { from: 'user' });
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

describe("validate: the webhook's Secret rule flags", () => {
  let dir: string;
  let otherSecret: string;
  const secretFile = async (name: string, annotations: Record<string, string>): Promise<string> => {
    const path = join(dir, name);
    const metadata = { name: 'github-token', namespace: 'team-a', annotations };
    await writeFile(path, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata, stringData: { authorization: 'Bearer x' } }));
    return path;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mhf-validate-flags-'));
    otherSecret = join(dir, 'other.yaml');
    await writeFile(otherSecret, 'apiVersion: v1\nkind: Secret\nmetadata: {name: unrelated, namespace: team-a}\nstringData: {k: v}\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a missing Secret is denied by default and with --missing-secret=deny (exit 1)', async () => {
    for (const args of [[], ['--missing-secret=deny']]) {
      const result = await runCommand(['-f', GOOD, '--secrets', otherSecret, ...args]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /- spec\.headerForward\.addHeadersFromSecret\[0\]\.valueSecretRef\.name: Secret "github-token" not found/,
      );
    }
  });

  it('--missing-secret=warn admits it with a warning (exit 0), as the webhook does', async () => {
    const result = await runCommand(['-f', GOOD, '--secrets', otherSecret, '--missing-secret', 'warn']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ALLOWED');
    expect(result.stdout).toMatch(/warning: .*Secret "github-token" not found/);
    expect(result.stdout).toContain(MISSING_SECRET_ADMITTED);
  });

  it('--missing-secret=warn does not soften a Secret value that cannot be sent', async () => {
    const echo = join(dir, 'echo.yaml');
    await writeFile(
      echo,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'github-token', namespace: 'team-a' },
        stringData: { authorization: 'Bearer x\n' },
      }),
    );
    const result = await runCommand(['-f', GOOD, '--secrets', echo, '--missing-secret', 'warn']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('trailing newline');
  });

  it('--require-host-binding denies a forwarded Secret without the allowed-hosts annotation (exit 1); without it, exit 0', async () => {
    const unannotated = await secretFile('unannotated.yaml', {});
    expect((await runCommand(['-f', GOOD, '--secrets', unannotated])).code).toBe(0);
    const required = await runCommand(['-f', GOOD, '--secrets', unannotated, '--require-host-binding']);
    expect(required.code).toBe(1);
    expect(required.stdout).toContain(`Secret "github-token" has no ${ALLOWED_HOSTS_ANNOTATION} annotation, and --require-host-binding`);
    expect(required.stdout).toContain(
      `fix: have the Secret's owner run: kubectl annotate secret github-token -n team-a ${ALLOWED_HOSTS_ANNOTATION}=api.githubcopilot.com`,
    );
  });

  it("--require-host-binding passes a Secret bound to the entry's host, and any binding to another host is denied with or without it", async () => {
    const bound = await secretFile('bound.yaml', { [ALLOWED_HOSTS_ANNOTATION]: 'api.githubcopilot.com' });
    expect((await runCommand(['-f', GOOD, '--secrets', bound, '--require-host-binding'])).code).toBe(0);
    const elsewhere = await secretFile('elsewhere.yaml', { [ALLOWED_HOSTS_ANNOTATION]: '*.example.org' });
    for (const args of [[], ['--require-host-binding']]) {
      const result = await runCommand(['-f', GOOD, '--secrets', elsewhere, ...args]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('may only be sent to *.example.org');
    }
  });

  it('lists both flags in --help', () => {
    const help = validateCommand().helpInformation();
    expect(help).toContain('--missing-secret <policy>');
    expect(help).toContain('--require-host-binding');
  });
});

describe('validate CLI (built dist)', () => {
  const main = new URL('../dist/cli/main.js', import.meta.url).pathname;
  const exec = promisify(execFile);
  const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await exec(process.execPath, [main, ...args], { cwd: new URL('..', import.meta.url).pathname });
      return { code: 0, stdout, stderr };
    } catch (error: unknown) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('is built (make test builds first; run `npm run build` before running this file alone)', () => {
    expect(existsSync(main)).toBe(true);
  });

  it.each([
    [['-f', 'examples/good-entry.yaml', '--secrets', 'examples/github-token-secret.yaml'], 0, /ALLOWED/],
    [['-f', 'examples/bad-entry.yaml', '--secrets', 'examples/github-token-secret.yaml', '-o', 'json'], 1, /"allowed": false/],
    [['-f', 'examples/nope.yaml'], 2, /cannot read examples\/nope\.yaml/],
    [[], 2, /required option '-f, --filename/],
    [['-f', 'examples/good-entry.yaml', '-o', 'xml'], 2, /Allowed choices are text, json, yaml/],
    [['-f', 'examples/good-entry.yaml', '--missing-secret', 'ignore'], 2, /Allowed choices are deny, warn/],
  ])('mcp-header-forward validate %j exits %i', async (args, code, output) => {
    const result = await cli('validate', ...args);
    expect(result.code).toBe(code);
    expect(result.stdout + result.stderr).toMatch(output);
  });
});
