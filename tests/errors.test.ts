import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../src/errors/catalogue.ts';
import { HeliosError } from '../src/errors/HeliosError.ts';

describe('error catalogue', () => {
  it('documents every code in the README, with its status', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(CATALOGUE)) expect(readme).toMatch(new RegExp(`\`${code}\` \\| ${status} \\|`));
  });

  it('round-trips through the wire form with its status and retryability', () => {
    const e = new HeliosError('HELIOS_E_DEADLINE', 'late', { ms: 5 });
    const back = HeliosError.fromJSON(JSON.parse(JSON.stringify(e)) as ReturnType<HeliosError['toJSON']>);
    expect(back).toMatchObject({ code: 'HELIOS_E_DEADLINE', status: 504, retryable: true, message: 'late', details: { ms: 5 } });
  });
});
