import { existsSync, readFileSync } from 'node:fs';

// package.json sits one level up from cli/*.ts (tests run from source) and two from dist/cli/*.js.
const pkgUrl = [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)].find((url) => existsSync(url));
const pkg = JSON.parse(readFileSync(pkgUrl ?? new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
export const version: string = pkg.version;
