import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IssuedCert } from '../../../certs/x509.js';
import type { ManagedProcess } from './processes.js';

/** The last lines of a process's log, for errors a person can act on. */
export async function logTail(managed: ManagedProcess, lines = 30): Promise<string> {
  const text = await readFile(managed.logFile, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

interface Probe {
  url: string;
  tls?: { caPem: string; client?: IssuedCert };
}

function get(probe: Probe): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options = probe.tls
      ? { ca: probe.tls.caPem, cert: probe.tls.client?.certPem, key: probe.tls.client?.keyPem, timeout: 5000 }
      : { timeout: 5000 };
    const request = (probe.url.startsWith('https:') ? httpsRequest : httpRequest)(probe.url, options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`timeout GET ${probe.url}`)));
    request.on('error', reject);
    request.end();
  });
}

/** Poll until GET answers 200, failing fast (with its log) if the process exits first. */
export async function waitForOk(probe: Probe, managed: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!managed.isRunning()) {
      const { code, signal } = await managed.exited;
      throw new Error(
        `${managed.name} exited (${signal ?? `code ${code}`}) before ${probe.url} was ready; log ${managed.logFile}:\n${await logTail(managed)}`,
      );
    }
    try {
      const { status, body } = await get(probe);
      if (status === 200) return;
      last = `HTTP ${status}: ${body.slice(0, 500)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(200);
  }
  throw new Error(
    `${managed.name} not ready after ${timeoutMs / 1000}s at ${probe.url} (last: ${last}); log ${managed.logFile}:\n${await logTail(managed)}`,
  );
}

export function waitForHttpOk(url: string, managed: ManagedProcess, timeoutMs: number): Promise<void> {
  return waitForOk({ url }, managed, timeoutMs);
}

export function waitForApiServerReady(
  target: { server: string; caPem: string; client: IssuedCert },
  managed: ManagedProcess,
  timeoutMs: number,
): Promise<void> {
  return waitForOk({ url: `${target.server}/readyz`, tls: { caPem: target.caPem, client: target.client } }, managed, timeoutMs);
}
