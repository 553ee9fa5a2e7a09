import { z } from 'zod';

// The MCPServerEntry / VirtualMCPServer fields we read (toolhive.stacklok.dev v1alpha1 and v1beta1 share
// these shapes). Unknown fields pass through: we never reject what the CRD's own schema admitted.
export const TOOLHIVE_GROUP = 'toolhive.stacklok.dev';
export const API_VERSIONS = ['v1alpha1', 'v1beta1'] as const;
export const ENTRY_PLURAL = 'mcpserverentries';
export const VMCP_PLURAL = 'virtualmcpservers';

const objectMeta = z
  .object({
    name: z.string().optional(),
    namespace: z.string().optional(),
    generateName: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    deletionTimestamp: z.string().optional(),
    finalizers: z.array(z.string()).optional(),
    resourceVersion: z.string().optional(),
    uid: z.string().optional(),
  })
  .passthrough();

export const secretKeyRefSchema = z.object({ name: z.string(), key: z.string() }).passthrough();

export const headerFromSecretSchema = z
  .object({
    headerName: z.string(),
    valueSecretRef: secretKeyRefSchema.optional(),
  })
  .passthrough();

export const headerForwardSchema = z
  .object({
    addPlaintextHeaders: z.record(z.string(), z.string()).optional(),
    addHeadersFromSecret: z.array(headerFromSecretSchema).optional(),
  })
  .passthrough();

export const entrySpecSchema = z
  .object({
    remoteUrl: z.string().optional(),
    transport: z.string().optional(),
    groupRef: z.object({ name: z.string() }).passthrough().optional(),
    allowPrivateEndpoint: z.boolean().optional(),
    caBundleRef: z
      .object({
        configMapRef: z.object({ name: z.string(), key: z.string().optional() }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
    headerForward: headerForwardSchema.optional(),
  })
  .passthrough();

export const mcpServerEntrySchema = z
  .object({
    apiVersion: z.string(),
    kind: z.literal('MCPServerEntry'),
    metadata: objectMeta,
    spec: entrySpecSchema.default({}),
  })
  .passthrough();

export const virtualMcpServerSchema = z
  .object({
    apiVersion: z.string(),
    kind: z.literal('VirtualMCPServer'),
    metadata: objectMeta,
    spec: z
      .object({ groupRef: z.object({ name: z.string() }).passthrough().optional() })
      .passthrough()
      .default({}),
  })
  .passthrough();

export type SecretKeyRef = z.infer<typeof secretKeyRefSchema>;
export type HeaderFromSecret = z.infer<typeof headerFromSecretSchema>;
export type HeaderForward = z.infer<typeof headerForwardSchema>;
export type EntrySpec = z.infer<typeof entrySpecSchema>;
export type MCPServerEntry = z.infer<typeof mcpServerEntrySchema>;
export type VirtualMCPServer = z.infer<typeof virtualMcpServerSchema>;

/** ToolHive's default key for caBundleRef.configMapRef. */
export const DEFAULT_CA_BUNDLE_KEY = 'ca.crt';

export function hasHeaderForward(entry: MCPServerEntry): boolean {
  const hf = entry.spec.headerForward;
  return Object.keys(hf?.addPlaintextHeaders ?? {}).length > 0 || (hf?.addHeadersFromSecret ?? []).length > 0;
}
