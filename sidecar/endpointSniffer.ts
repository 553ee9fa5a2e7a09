// Watches the start of an SSE response for MCP's `endpoint` event on its way to the client, without holding
// anything back: each chunk is passed on as it arrives, after the endpoint (if any) has been registered.
import type { ServerResponse } from 'node:http';
import { pipeline, Transform, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { firstEndpointEvent, SNIFF_LIMIT_BYTES } from './sseEndpoint.js';

export function endpointSniffer(res: ServerResponse, onEndpoint: (endpoint: string) => void): Writable {
  const decoder = new StringDecoder('utf8');
  let seen = '';
  let looking = true;
  const sniffer = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (looking) {
        seen += decoder.write(chunk);
        const endpoint = firstEndpointEvent(seen);
        if (endpoint !== undefined || seen.length > SNIFF_LIMIT_BYTES) {
          looking = false;
          seen = '';
          // Registered before the client can read the event, so its first POST already matches.
          if (typeof endpoint === 'string') onEndpoint(endpoint);
        }
      }
      done(null, chunk);
    },
  });
  // pipeline: an early client close destroys the sniffer (undici then cancels upstream) and vice versa.
  pipeline(sniffer, res, () => {});
  return sniffer;
}
