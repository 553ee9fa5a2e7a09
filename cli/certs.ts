import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { stringify } from 'yaml';
import { base64, checkServiceRef, createServingBundle } from '../certs/serving.js';
import { CA_CERT_KEY, TLS_CERT_KEY, TLS_KEY_KEY, tlsSecret } from '../certs/tlsSecret.js';
import { DEFAULT_CONFIGURATION_NAME } from '../webhook/registrations/webhookConfigurations.js';

// `mcp-header-forward certs`: a CA and a serving cert for the webhook Service, as files, as a Secret manifest,
// or written straight into the cluster (the self-signed overlay's Job).

export interface CertsOptions {
  service: string;
  namespace: string;
  outDir?: string;
  secretName?: string;
  output?: 'yaml' | 'json';
  days: number;
  apply: boolean;
  webhookConfiguration: string;
  renewBeforeDays: number;
}

export interface CertsIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now: () => Date;
}

function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a whole number ≥ 1, got "${value}"`);
    return n;
  };
}

export function checkCertsOptions(options: CertsOptions): void {
  checkServiceRef(options);
  if (!options.outDir && !options.output && !options.apply) {
    throw new Error('certs: say where the certificate goes: --out-dir DIR, --secret-name NAME -o yaml, or --secret-name NAME --apply');
  }
  if ((options.output || options.apply) && !options.secretName) {
    throw new Error('certs: -o and --apply write a Secret: add --secret-name NAME (the Deployment mounts mcp-header-forward-tls)');
  }
  if (options.apply && (options.outDir || options.output)) {
    throw new Error('certs: --apply keeps the private key inside the cluster; drop --out-dir and -o');
  }
  if (options.renewBeforeDays >= options.days) {
    throw new Error(`certs: --renew-before-days ${options.renewBeforeDays} must be less than --days ${options.days}, or every run renews`);
  }
}

export async function runCerts(options: CertsOptions, io: CertsIo): Promise<void> {
  checkCertsOptions(options);
  if (options.apply) {
    // Loaded on demand: file and manifest output never needs the Kubernetes client.
    const { applyServingCerts } = await import('./certs/apply.js');
    await applyServingCerts({ ...options, secretName: options.secretName! }, io);
    return;
  }
  const bundle = await createServingBundle(options, options.days);
  if (options.outDir) {
    await mkdir(options.outDir, { recursive: true });
    await writeFile(join(options.outDir, CA_CERT_KEY), bundle.caPem);
    await writeFile(join(options.outDir, TLS_CERT_KEY), bundle.certPem);
    // Private key readable by its owner only, whatever the umask.
    await writeFile(join(options.outDir, TLS_KEY_KEY), bundle.keyPem, { mode: 0o600 });
    await chmod(join(options.outDir, TLS_KEY_KEY), 0o600);
  }
  const caBundle = base64(bundle.caPem);
  if (options.output) {
    const secret = tlsSecret(options.secretName!, options.namespace, bundle);
    io.stdout(options.output === 'json' ? `${JSON.stringify(secret, null, 2)}\n` : stringify(secret));
    io.stderr(`caBundle: ${caBundle}\n`);
  } else {
    io.stdout(`${caBundle}\n`);
  }
  io.stderr(`certs: serving certificate for ${options.service}.${options.namespace}.svc valid until ${bundle.notAfter.toISOString()}\n`);
}

export function certsCommand(): Command {
  return new Command('certs')
    .description(
      'Generate a CA and a serving certificate for the webhook Service (<svc>.<ns>.svc and its short forms). ' +
        'Prints the base64 caBundle for the webhook configurations.',
    )
    .requiredOption('--service <name>', 'webhook Service name')
    .requiredOption('--namespace <ns>', 'webhook namespace')
    .option('--out-dir <dir>', 'write ca.crt, tls.crt and tls.key (0600) into DIR')
    .option('--secret-name <name>', 'name of the kubernetes.io/tls Secret to emit or apply')
    .addOption(new Option('-o, --output <format>', 'print the Secret manifest (caBundle goes to stderr)').choices(['yaml', 'json']))
    .option('--days <n>', 'validity of the CA and the certificate', positiveInt('--days'), 365)
    .option(
      '--apply',
      'create/renew the Secret in the cluster (in-cluster config or KUBECONFIG) and patch caBundle of the webhook configurations',
      false,
    )
    .option('--webhook-configuration <name>', 'Validating/MutatingWebhookConfiguration to patch with --apply', DEFAULT_CONFIGURATION_NAME)
    .option(
      '--renew-before-days <n>',
      'with --apply: keep a valid certificate unless it expires sooner than this',
      positiveInt('--renew-before-days'),
      30,
    )
    .action(async (options: CertsOptions) => {
      await runCerts(options, {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        now: () => new Date(),
      });
    });
}
