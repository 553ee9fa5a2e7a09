// The route config's format version, apart from its zod schema (routes.ts) so the sidecar's check
// (routeConfigCheck.ts) does not load zod.
export const ROUTE_CONFIG_VERSION = 1;
