import { parseMode, type Mode } from '../../contract/labels.js';
import type { ValidationResult } from './types.js';
import { formatFinding } from './validateEntry.js';

export interface Decision {
  allowed: boolean;
  mode: Mode;
  /** The denial message listing every violation (enforce mode, when denied). */
  message?: string;
  warnings: string[];
}

/**
 * Apply the mode: enforce denies on any violation; warn allows and returns the violations as warnings;
 * audit allows silently (the caller logs and counts the violations).
 */
export function decide(result: ValidationResult, mode: Mode, object: string): Decision {
  const problems = result.violations.map(formatFinding);
  if (problems.length === 0) return { allowed: true, mode, warnings: result.warnings };
  switch (mode) {
    case 'enforce':
      return { allowed: false, mode, message: denialMessage(object, problems), warnings: result.warnings };
    case 'warn':
      return { allowed: true, mode, warnings: [...problems.map((p) => `${p} [would be denied in enforce mode]`), ...result.warnings] };
    case 'audit':
      return { allowed: true, mode, warnings: result.warnings };
  }
}

export function denialMessage(object: string, problems: readonly string[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `${object} has ${count}:\n${problems.map((p) => `- ${p}`).join('\n')}`;
}

export interface EffectiveMode {
  mode: Mode;
  /** Set when the namespace label holds an unknown value (the global mode applies). */
  warning?: string;
}

/** The namespace label `mcp-header-forward.dev/mode` overrides the global mode when it holds a known mode. */
export function effectiveMode(globalMode: Mode, namespaceLabel: string | undefined, labelKey: string): EffectiveMode {
  if (namespaceLabel === undefined) return { mode: globalMode };
  const mode = parseMode(namespaceLabel);
  if (mode !== undefined) return { mode };
  return {
    mode: globalMode,
    warning: `namespace label ${labelKey}=${JSON.stringify(namespaceLabel)} is not one of enforce, warn, audit; using ${globalMode}`,
  };
}
