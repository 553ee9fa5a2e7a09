// `node dist/bench/apiserver/buildKyverno.js`: build Kyverno's admission controller once into the binary cache
// (about 15 minutes on 2 cores), so `make bench` can run the API-server peer; it never builds it itself (budget).
import { resolveKyvernoBinary } from './kyvernoBinary.js';

const log = (line: string): void => void process.stderr.write(`[kyverno] ${line}\n`);

resolveKyvernoBinary(log).then(
  (binary) =>
    log(`${binary.path} (${binary.version}, ${binary.source}${binary.buildSeconds === undefined ? '' : `, ${binary.buildSeconds} s`})`),
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
