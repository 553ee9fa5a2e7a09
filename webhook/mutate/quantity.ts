// Kubernetes stores resource quantities in canonical form ("0.5" -> "500m", "2048Mi" -> "2Gi"). The injector
// writes the canonical form itself, so the stored pod equals the plan and re-planning it yields an empty patch.

const DECIMAL_SUFFIXES = ['m', '', 'k', 'M', 'G', 'T', 'P', 'E'] as const; // powers of 1000, from milli
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const; // powers of 1024
const QUANTITY = /^(\d+)(?:\.(\d+))?([a-zA-Z]*)$/;

/** The canonical form of a quantity, or undefined when it is not one we accept (exponent forms, signs, junk). */
export function canonicalQuantity(value: string): string | undefined {
  const match = QUANTITY.exec(value.trim());
  if (match === null) return undefined;
  const [, whole, fraction = '', suffix = ''] = match;
  const binary = BINARY_SUFFIXES.indexOf(suffix as (typeof BINARY_SUFFIXES)[number]);
  if (suffix !== '' && binary > 0) return canonicalBinary(whole!, fraction, binary);
  const decimal = DECIMAL_SUFFIXES.indexOf(suffix as (typeof DECIMAL_SUFFIXES)[number]);
  if (decimal < 0) return undefined;
  // Exact value in milli-units (rounded up, as Kubernetes does below 1m).
  const scale = 3 * decimal;
  const digits = BigInt(whole! + fraction);
  const shift = scale - fraction.length;
  const milli = shift >= 0 ? digits * 10n ** BigInt(shift) : ceilDiv(digits, 10n ** BigInt(-shift));
  return largestDecimal(milli);
}

function canonicalBinary(whole: string, fraction: string, power: number): string {
  const numerator = BigInt(whole + fraction) * 1024n ** BigInt(power);
  const denominator = 10n ** BigInt(fraction.length);
  if (numerator % denominator !== 0n) return largestDecimal(ceilDiv(numerator * 1000n, denominator));
  const bytes = numerator / denominator;
  let index = 0;
  let mantissa = bytes;
  while (index < BINARY_SUFFIXES.length - 1 && mantissa !== 0n && mantissa % 1024n === 0n) {
    mantissa /= 1024n;
    index++;
  }
  // Below 1Ki a binary quantity prints as a plain number, like Kubernetes does.
  return `${mantissa}${BINARY_SUFFIXES[index]}`;
}

function largestDecimal(milli: bigint): string {
  let index = 0;
  let mantissa = milli;
  while (index < DECIMAL_SUFFIXES.length - 1 && mantissa !== 0n && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    index++;
  }
  return mantissa === 0n ? '0' : `${mantissa}${DECIMAL_SUFFIXES[index]}`;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
