// node:http without its ES module namespace. `import … from 'node:http'` builds the namespace by reading every
// export, and the WebSocket, CloseEvent and MessageEvent getters among them load Node's bundled undici:
// +14 MB RSS on Node 24, for classes the sidecar never uses (bench/sidecarModules.js). Type imports are free.
export const { createServer, request } = process.getBuiltinModule('node:http');
