// HTTPS requests to the webhook that trust only the test CA (verification stays on).
import { request as httpsRequest, Agent } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface HttpsResponse {
  status: number;
  body: string;
  json: () => unknown;
  socket: TLSSocket;
  /** Serial of the certificate the server presented on this connection. */
  peerSerial: string;
  reusedSocket: boolean;
}

export interface PostOptions {
  ca: string;
  /** A client certificate to present. */
  client?: { certPem: string; keyPem: string };
  agent?: Agent;
  method?: 'GET' | 'POST';
  contentType?: string;
}

export function send(url: string, body: string | undefined, options: PostOptions): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        ca: options.ca,
        ...(options.client ? { cert: options.client.certPem, key: options.client.keyPem } : {}),
        ...(options.agent !== undefined ? { agent: options.agent } : { agent: false }),
        headers: body === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' },
      },
      (res) => {
        // Read the socket now: a keep-alive agent detaches it from the response once the body ends.
        const socket = res.socket as TLSSocket;
        const peerSerial = socket.getPeerCertificate().serialNumber;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            json: () => JSON.parse(text) as unknown,
            socket,
            peerSerial,
            reusedSocket: req.reusedSocket,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
