// `host:port` flags -> listen options. Pure.
export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenAddress(value: string, flag: string): ListenAddress {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new Error(`${flag} "${value}" is not host:port (e.g. 127.0.0.1:15080; port 0 picks a free one)`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}
