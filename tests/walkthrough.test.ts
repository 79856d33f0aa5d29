import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/moduleFixtures.ts';

/**
 * Runs the README walk-through exactly as written: every command of the ```sh
 * blocks between the walk-through markers, in order, with bash, from the
 * repository root, against a real `npm start` (main.ts). Only the address and
 * the data directory are rewritten, because the test's instance listens on a
 * free port and keeps its data in a temporary folder.
 */

const ROOT = resolve(import.meta.dirname, '..');
const README_URL = 'http://127.0.0.1:3000';
const README_DATA = '.helios/';

/** The walk-through's shell commands: each non-blank line of its ```sh blocks that is not a comment. */
function walkthroughCommands(readme: string): string[] {
  const start = readme.indexOf('<!-- walkthrough:start -->');
  const end = readme.indexOf('<!-- walkthrough:end -->');
  if (start < 0 || end < start) throw new Error('README.md has no walk-through section');
  const commands: string[] = [];
  for (const block of readme.slice(start, end).matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    for (const line of block[1]!.split('\n')) {
      const cmd = line.trim();
      if (cmd !== '' && !cmd.startsWith('#')) commands.push(cmd);
    }
  }
  return commands;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  const child = spawn('bash', ['-c', command], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((r) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      r({ code, stdout, stderr });
    }),
  );
}

// The answers are JSON of several shapes; each step reads the fields it names.
type Json = any;

interface Step {
  /** The command this step expects, in README order. */
  match: RegExp;
  /** Re-run the command (as the README tells the reader to) until this holds, for at most `withinMs`. */
  until?: (out: Json) => boolean;
  withinMs?: number;
  check: (out: Json) => void;
}

const role = (tier: Json, r: string): string[] => (tier.versions as { key: string; role: string }[]).filter((v) => v.role === r).map((v) => v.key);
const TERMINAL = ['promoted', 'aborted', 'rolled-back'];

const STEPS: Step[] = [
  { match: /^npx helios status$/, check: (s) => expect(role(s.tiers.features, 'incumbent')).toEqual(['indicators@1.0.0']) },
  { match: /^curl -s \S+\/api\/modularity\/status$/, check: (s) => expect(Object.keys(s.tiers)).toEqual(['ingestion', 'features', 'ml', 'risk', 'llm', 'portfolio', 'execution']) },
  { match: /\/api\/portfolio\/positions$/, check: (p) => expect(p).toMatchObject({ positions: expect.any(Array), account: { initialCash: 1_000_000 } }) },
  { match: /\/api\/orders\?limit=5"$/, check: (o) => expect(o.orders.length).toBeGreaterThan(0) },
  { match: /\/api\/trading\/state$/, check: (t) => expect(['ACTIVE', 'REDUCING']).toContain(t.mode) },
  { match: /^npx helios swap features indicators@1\.1\.0 immediate$/, check: (r) => expect(r).toMatchObject({ state: 'promoted', from: 'indicators@1.0.0', to: 'indicators@1.1.0' }) },
  {
    match: /^npx helios status features$/,
    check: (t) => {
      expect(t.tier).toBe('features');
      expect(role(t, 'incumbent')).toEqual(['indicators@1.1.0']);
      expect(role(t, 'previous')).toEqual(['indicators@1.0.0']);
      expect(t.sequenceGaps).toBe(0);
    },
  },
  { match: /\/api\/modularity\/modules\/swap .*"direction@2\.0\.0","strategy":"shadow"/, check: (r) => expect(r).toMatchObject({ tier: 'ml', state: 'shadow', from: 'direction@1.0.0', to: 'direction@2.0.0' }) },
  {
    match: /^npx helios rollouts ml$/,
    until: (rs) => rs?.[0]?.report?.compared >= 50,
    withinMs: 20_000,
    check: ([r]) => {
      expect(r).toMatchObject({ state: 'shadow', to: 'direction@2.0.0', report: { policy: 'agreement', hardFails: 0 } });
      expect(r.report.agreement).toBeCloseTo(1 - r.report.mismatches / r.report.compared, 9);
    },
  },
  { match: /^npx helios abort ml$/, check: (r) => expect(r).toMatchObject({ tier: 'ml', state: 'aborted', to: 'direction@2.0.0' }) },
  { match: /^npx helios swap risk sizer@1\.1\.0 canary 10,50,100$/, check: (r) => expect(r).toMatchObject({ state: 'canary', percent: 10, to: 'sizer@1.1.0', plan: { steps: [10, 50, 100] } }) },
  {
    match: /^npx helios rollouts risk$/,
    until: (rs) => TERMINAL.includes(rs?.[0]?.state),
    withinMs: 45_000,
    check: ([r]) => {
      // Either ending is the canary working: it depends on the candidate's latency on this machine.
      expect(['promoted', 'rolled-back']).toContain(r.state);
      if (r.state === 'promoted') expect(r.steps.map((s: Json) => [s.percent, s.passed])).toEqual([[10, true], [50, true], [100, true]]);
      else expect(r.reason).toMatch(/^canary step \d \(\d+ %\) failed: /);
    },
  },
  { match: /^npx helios swap ml direction@2\.0\.0 immediate$/, check: (r) => expect(r).toMatchObject({ state: 'promoted', to: 'direction@2.0.0' }) },
  { match: /\/api\/modularity\/modules\/ml\/rollback /, check: (r) => expect(r).toEqual({ tier: 'ml', from: 'direction@2.0.0', to: 'direction@1.0.0' }) },
  { match: /^npx helios kill halt /, check: (k) => expect(k.mode).toBe('HALTED') },
  { match: /\/api\/trading\/state$/, check: (t) => expect(t).toMatchObject({ mode: 'HALTED', reason: 'exchange outage' }) },
  { match: /^npx helios reset /, check: (k) => expect(k.mode).toBe('ACTIVE') },
];

async function startHelios(dataDir: string): Promise<{ child: ChildProcess; address: string }> {
  // The token is generated into the data directory, where the README's reader finds it. The
  // duration is only a backstop: should the test be cut off by its timeout, main.ts still ends.
  const env: NodeJS.ProcessEnv = { ...process.env, HELIOS_DATA_DIR: dataDir, HELIOS_FLAGS_DIR: `${dataDir}/flags`, PORT: '0', DATABASE_URL: '', HELIOS_DURATION_S: '150' };
  delete env.HELIOS_API_TOKEN;
  const child = spawn(process.execPath, ['main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const alive = () => {
    if (child.exitCode !== null) throw new Error(`main.ts exited with ${child.exitCode}:\n${out}`);
  };
  try {
    const address = await poll(() => (alive(), /^API (http:\/\/\S+) /m.exec(out)?.[1]), 30_000, () => `no API address printed:\n${out}`);
    // Trading has begun once the first order is on the book (the indicators warm up first).
    await poll(
      async () => (alive(), ((await (await fetch(`${address}/api/orders?limit=1`)).json()) as { orders: unknown[] }).orders.length > 0 || undefined),
      40_000,
      () => `no order within 40 s:\n${out}`,
    );
    return { child, address };
  } catch (e) {
    await stop(child);
    throw e;
  }
}

async function poll<T>(probe: () => T | undefined | Promise<T | undefined>, withinMs: number, why: () => string): Promise<T> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(why());
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.on('exit', r));
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

describe('README walk-through', () => {
  it('finds the commands of every step in the walk-through section', async () => {
    const commands = walkthroughCommands(await readFile(resolve(ROOT, 'README.md'), 'utf8'));
    let next = 0;
    for (const c of commands) if (next < STEPS.length && STEPS[next]!.match.test(c)) next++;
    expect(STEPS.slice(next).map((s) => String(s.match)), 'steps the README lacks, or has out of order').toEqual([]);
  });

  it('runs as written against npm start: swap, shadow, canary, rollback, kill switch', async () => {
    const commands = walkthroughCommands(await readFile(resolve(ROOT, 'README.md'), 'utf8'));
    const dataDir = await tempDir('helios-walkthrough-');
    let helios: { child: ChildProcess; address: string } | undefined;
    try {
      helios = await startHelios(dataDir);
      const env: NodeJS.ProcessEnv = { ...process.env, HELIOS_URL: helios.address, HELIOS_DATA_DIR: dataDir };
      delete env.HELIOS_API_TOKEN;
      // Variables a command sets stay set for the later ones, as in the reader's terminal.
      const assignments: string[] = [];
      let next = 0;
      for (const written of commands) {
        const command = written.replaceAll(README_URL, helios.address).replaceAll(README_DATA, `${dataDir}/`);
        const step = next < STEPS.length && STEPS[next]!.match.test(written) ? STEPS[next++] : undefined;
        const script = [...assignments, command].join('\n');
        let r = await run(script, env);
        const deadline = performance.now() + (step?.withinMs ?? 0);
        while (step?.until !== undefined && r.code === 0 && !step.until(parse(r.stdout)) && performance.now() < deadline) {
          await new Promise((res) => setTimeout(res, 1000));
          r = await run(script, env);
        }
        const context = `${written}\n--- stdout\n${r.stdout.slice(0, 4000)}\n--- stderr\n${r.stderr.slice(0, 4000)}`;
        expect(r.code, context).toBe(0);
        expect(r.stdout + r.stderr, context).not.toMatch(/"code":\s*"HELIOS_E_/);
        if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(command)) assignments.push(command);
        if (step === undefined) continue;
        const out = parse(r.stdout);
        expect(out, `not JSON: ${context}`).toBeDefined();
        if (step.until !== undefined) expect(step.until(out), `gave up waiting after ${step.withinMs} ms: ${context}`).toBe(true);
        step.check(out);
      }
      expect(next, 'every step ran').toBe(STEPS.length);
    } finally {
      if (helios !== undefined) await stop(helios.child);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

function parse(stdout: string): Json {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}
