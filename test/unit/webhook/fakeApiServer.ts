// A small stand-in for the Kubernetes API server on 127.0.0.1 (HTTPS with its own test CA, verified by the
// client): Secret GETs by name, SubjectAccessReviews, and the namespace list + watch the informer needs. Everything else is 404,
// and every request is recorded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { createCa, issueLeaf } from '../../../certs/x509.js';

export type SecretBehaviour =
  | { kind: 'secret'; data?: Record<string, string>; stringData?: Record<string, string>; annotations?: Record<string, string> }
  | { kind: 'status'; code: number; message: string }
  | { kind: 'slow'; delayMs: number };

export interface FakeApiServer {
  url: string;
  caPem: string;
  kubeConfig: KubeConfig;
  /** `METHOD path?query` of every request, in order. */
  requests: string[];
  /** TLS connections accepted so far. */
  connections(): number;
  setSecret(namespace: string, name: string, behaviour: SecretBehaviour): void;
  /** Answer the next `count` namespace lists with HTTP 500 (informer recovery). */
  failNamespaceLists(count: number): void;
  /** Create or relabel a namespace; open watches get the event. */
  setNamespace(name: string, labels: Record<string, string>): void;
  /** SubjectAccessReviews allow everything unless the user is listed here (issue 10's read check). */
  forbidSecretReads(user: string): void;
  close(): Promise<void>;
}

const b64 = (value: string): string => Buffer.from(value, 'utf8').toString('base64');

/** A Secret with the given string values, as the API returns it (data base64). */
export function secretWith(values: Record<string, string>, annotations: Record<string, string> = {}): SecretBehaviour {
  return { kind: 'secret', data: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, b64(v)])), annotations };
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const secrets = new Map<string, SecretBehaviour>();
  const namespaces = new Map<string, Record<string, string>>();
  const watchers = new Set<ServerResponse>();
  const idleWatchers = new Set<ServerResponse>();
  const requests: string[] = [];
  const forbiddenReaders = new Set<string>();
  let resourceVersion = 1;
  let failingLists = 0;

  const namespaceObject = (name: string): Record<string, unknown> => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...namespaces.get(name) }, resourceVersion: String(resourceVersion) },
  });

  const json = (res: ServerResponse, code: number, body: unknown): void => {
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const status = (res: ServerResponse, code: number, message: string): void =>
    json(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://fake');
    const secretPath = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && secretPath !== null) {
      const behaviour = secrets.get(`${secretPath[1]}/${secretPath[2]}`);
      if (behaviour === undefined) return status(res, 404, `secrets "${secretPath[2]}" not found`);
      if (behaviour.kind === 'status') return status(res, behaviour.code, behaviour.message);
      if (behaviour.kind === 'slow') {
        const timer = setTimeout(() => status(res, 404, 'too late'), behaviour.delayMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      return json(res, 200, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: secretPath[2], namespace: secretPath[1], annotations: behaviour.annotations ?? {} },
        type: 'Opaque',
        ...(behaviour.data !== undefined ? { data: behaviour.data } : {}),
        ...(behaviour.stringData !== undefined ? { stringData: behaviour.stringData } : {}),
      });
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/namespaces') {
      if (url.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        watchers.add(res);
        res.on('close', () => watchers.delete(res));
        return;
      }
      if (failingLists > 0) {
        failingLists -= 1;
        return status(res, 500, 'etcdserver: leader changed');
      }
      return json(res, 200, {
        apiVersion: 'v1',
        kind: 'NamespaceList',
        metadata: { resourceVersion: String(resourceVersion) },
        items: [...namespaces.keys()].map(namespaceObject),
      });
    }
    // Other collections (e.g. toolhive.stacklok.dev lists other webhook parts watch): empty, watch held open.
    if (req.method === 'GET' && /^\/apis\/[^/]+\/[^/]+\/(namespaces\/[^/]+\/)?[a-z]+$/.test(url.pathname)) {
      if (url.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        idleWatchers.add(res);
        res.on('close', () => idleWatchers.delete(res));
        return;
      }
      return json(res, 200, { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(resourceVersion) }, items: [] });
    }
    if (req.method === 'POST' && url.pathname === '/apis/authorization.k8s.io/v1/subjectaccessreviews') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const review = JSON.parse(body) as { spec?: { user?: string } };
        json(res, 201, { ...review, status: { allowed: !forbiddenReaders.has(review.spec?.user ?? '') } });
      });
      return;
    }
    status(res, 404, `the stand-in API server does not serve ${req.method} ${url.pathname}`);
  };

  const ca = await createCa({ commonName: 'stand-in API server CA', validForMs: 3_600_000 });
  const leaf = await issueLeaf(ca, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], validForMs: 3_600_000 });
  const server: Server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, handle);
  let connections = 0;
  server.on('secureConnection', () => (connections += 1));
  // Every socket, also those still in their TLS handshake (closeAllConnections only knows HTTP ones).
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'fake', server: url, caData: Buffer.from(ca.certPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'webhook', token: 'test-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'webhook' }],
    currentContext: 'fake',
  });

  return {
    url,
    caPem: ca.certPem,
    kubeConfig,
    requests,
    connections: () => connections,
    setSecret: (namespace, name, behaviour) => secrets.set(`${namespace}/${name}`, behaviour),
    failNamespaceLists: (count) => {
      failingLists = count;
    },
    forbidSecretReads: (user) => void forbiddenReaders.add(user),
    setNamespace(name, labels) {
      const type = namespaces.has(name) ? 'MODIFIED' : 'ADDED';
      namespaces.set(name, labels);
      resourceVersion += 1;
      for (const watcher of watchers) watcher.write(`${JSON.stringify({ type, object: namespaceObject(name) })}\n`);
    },
    async close() {
      for (const watcher of [...watchers, ...idleWatchers]) watcher.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
