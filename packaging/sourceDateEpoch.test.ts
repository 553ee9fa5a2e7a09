import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../test/e2e/harness/paths.js';
import { sourceDateEpoch } from './sourceDateEpoch.js';

describe('sourceDateEpoch', () => {
  it('is SOURCE_DATE_EPOCH when set', async () => {
    expect(await sourceDateEpoch({ SOURCE_DATE_EPOCH: '1700000000' })).toBe(1_700_000_000);
  });

  it('refuses a SOURCE_DATE_EPOCH that is not whole seconds', async () => {
    await expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: '2024-01-01' })).rejects.toThrow(/not a number of seconds/);
  });

  it("is the checked-out commit's time otherwise", async () => {
    const committed = Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim());
    expect(await sourceDateEpoch({})).toBe(committed);
  });
});
