// Watches the start of an SSE response for MCP's `endpoint` event on its way to the client, without holding
// anything back: the caller passes each chunk on as it arrives, after the endpoint (if any) has been registered.
// A plain function, not a Transform stream: the stream hop cost every event of a long-lived stream.
import { StringDecoder } from 'node:string_decoder';
import { firstEndpointEvent, SNIFF_LIMIT_BYTES } from './sseEndpoint.js';

/** Returns the watcher to call with each response chunk, in order; it does nothing once it has decided. */
export function endpointSniffer(onEndpoint: (endpoint: string) => void): (chunk: Buffer) => void {
  const decoder = new StringDecoder('utf8');
  let seen = '';
  let looking = true;
  return (chunk) => {
    if (!looking) return;
    seen += decoder.write(chunk);
    const endpoint = firstEndpointEvent(seen);
    if (endpoint !== undefined || seen.length > SNIFF_LIMIT_BYTES) {
      looking = false;
      seen = '';
      // Registered before the client can read the event, so its first POST already matches.
      if (typeof endpoint === 'string') onEndpoint(endpoint);
    }
  };
}
