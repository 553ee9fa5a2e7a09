import { z } from 'zod';
import { isHeaderToken, isRestrictedHeader } from './headers.js';
import { ROUTE_CONFIG_VERSION } from './routeConfigVersion.js';
import { stableStringify } from './stableJson.js';

// The route config the injector writes (one JSON env var on the sidecar, keys sorted) and the sidecar reads.
// Secret values never appear here: only the name of the env var that holds each one.
export { ROUTE_CONFIG_VERSION };

const headerName = z
  .string()
  .min(1)
  .max(255)
  .refine(isHeaderToken, { message: 'is not a valid HTTP header name (RFC 9110 token)' })
  .refine((n) => !isRestrictedHeader(n), { message: 'is a restricted header and cannot be forwarded' });

export const routeSchema = z
  .object({
    /** `<namespace>/<name>` of the MCPServerEntry, for logs and metrics. */
    entry: z.string().min(1),
    remoteUrl: z.string().url(),
    plaintextHeaders: z.record(headerName, z.string()).default({}),
    /** header name -> env var name holding its value. */
    secretHeaders: z.record(headerName, z.string().regex(/^[A-Z_][A-Z0-9_]*$/)).default({}),
    /**
     * Sealed headers (vMCP sends them itself, with a placeholder for the value): header name -> env var name
     * holding the value that replaces a value equal to that env var's placeholder (contract/sealing.ts).
     * Absent when empty, so configs without sealing keep their bytes.
     */
    sealedHeaders: z.record(headerName, z.string().regex(/^[A-Z_][A-Z0-9_]*$/)).optional(),
    /** PEM bundle trusted in addition to the system roots for this upstream. */
    caBundleFile: z.string().optional(),
    /** From the Secrets' allowed-hosts annotations: hosts each secret header may be sent to. */
    allowedHosts: z.record(z.string(), z.array(z.string())).optional(),
  })
  .strict();

export const routeConfigSchema = z
  .object({
    version: z.literal(ROUTE_CONFIG_VERSION),
    routes: z.array(routeSchema),
    /** The vmcp container's own proxy settings before injection, chained by the sidecar. */
    upstreamProxy: z
      .object({ http: z.string().optional(), https: z.string().optional(), noProxy: z.string().optional() })
      .strict()
      .optional(),
  })
  .strict();

export type Route = z.infer<typeof routeSchema>;
export type RouteConfig = z.infer<typeof routeConfigSchema>;

export function serializeRouteConfig(config: RouteConfig): string {
  return stableStringify(config);
}
