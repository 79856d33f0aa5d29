/**
 * Benchmark runner: `npm run bench [-- --quick] [-- suite ...]` (= `node bench/run.ts ...`).
 *
 * Runs every bench/suites/*.ts one after another, each in its own child process
 * (`node --expose-gc bench/suites/<name>.ts [--quick]`: fresh heap, clean RSS), in the order of
 * ORDER below with any other suites appended alphabetically. Positional arguments restrict the
 * run to the named suites; `--quick` alone skips FULL_ONLY (see below). A suite's stdout and
 * stderr are forwarded live, prefixed with its name; its LAST stdout line must be one JSON object
 * of finite numbers (see bench/lib/suite.ts).
 *
 * The figures are merged and written to bench/results.json (always, even when a suite failed),
 * then printed as a table against bench/targets.ts.
 *
 * results.json: { node, quick, date, machine: { cpus, model, totalmem, loadavg }, figures,
 * suites: { <name>: { ok, exitCode, ms, figures, error?, warnings? } }, failed: [names], only? }.
 * `figures` merges the suites that succeeded only; a failed suite's own figures (if it printed a
 * valid line before failing) are kept under suites.<name>.figures but not checked.
 *
 * Exit code: 0 all suites ran and no target failed; 1 a suite failed (non-zero exit, timeout,
 * or no valid figures line); 2 every suite ran but a target failed. A target whose figure is
 * missing is shown as "missing" and does not change the exit code.
 */
import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { targets, type Target } from './targets.ts';

/** Suites run first, in this order; any other bench/suites/*.ts follow, sorted. */
const ORDER = ['peers', 'helios-pipeline', 'swap', 'flags', 'breaker', 'paper'];
/**
 * Suites that `--quick` skips unless named: the real seven-tier session takes
 * about 50 s even with small counts (it registers and tests every shipped
 * module twice and replays the whole backtest), which alone would break the
 * quick budget. `npm run bench -- --quick paper` still runs it.
 */
const FULL_ONLY = ['paper'];
/** Figures from this suite with no target print as "peer". */
const PEER_SUITE = 'peers';
/** `npm run bench -- --quick` must finish within this budget; the runner warns beyond it. */
const QUICK_BUDGET_S = 60;
/**
 * A suite still running after this long is killed and recorded as failed (60 s quick, 20 min
 * full; BENCH_SUITE_TIMEOUT_S overrides).
 */
const SUITE_TIMEOUT_MS =
  (Number(process.env.BENCH_SUITE_TIMEOUT_S) || (quickMode() ? 60 : 20 * 60)) * 1000;

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoDir = join(benchDir, '..');
const suitesDir = join(benchDir, 'suites');
const resultsFile = join(benchDir, 'results.json');

type Figures = Record<string, number>;

interface SuiteResult {
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  ms: number;
  figures: Figures;
  error?: string;
  warnings?: string[];
}

function quickMode(): boolean {
  return process.argv.includes('--quick');
}

async function discover(only: string[]): Promise<string[]> {
  const present = (await readdir(suitesDir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3));
  const ordered = [
    ...ORDER.filter((n) => present.includes(n)),
    ...present.filter((n) => !ORDER.includes(n)).sort(),
  ];
  if (only.length === 0) return quickMode() ? ordered.filter((n) => !FULL_ONLY.includes(n)) : ordered;
  const unknown = only.filter((n) => !present.includes(n));
  if (unknown.length > 0) {
    throw new Error(`no such suite: ${unknown.join(', ')} (have: ${ordered.join(', ')})`);
  }
  return ordered.filter((n) => only.includes(n));
}

/** Calls `onLine` for each complete line of a stream, and for the unterminated tail at end. */
function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i).replace(/\r$/, ''));
        buf = buf.slice(i + 1);
      }
    });
    stream.on('end', () => {
      if (buf.length > 0) onLine(buf);
      resolve();
    });
  });
}

/** Parses a suite's last stdout line; returns the figures or throws why they are not valid. */
function parseFigures(line: string | undefined): { figures: Figures; warnings: string[] } {
  if (line === undefined) throw new Error('printed nothing on stdout (expected a JSON figures line last)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`last stdout line is not JSON: ${line.slice(0, 200)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`last stdout line is not a JSON object: ${line.slice(0, 200)}`);
  }
  const figures: Figures = {};
  const warnings: string[] = [];
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'number' && Number.isFinite(v)) figures[k] = v;
    else warnings.push(`figure ${k} dropped: not a finite number (${JSON.stringify(v)})`);
  }
  if (Object.keys(figures).length === 0) throw new Error('figures line holds no finite numbers');
  return { figures, warnings };
}

/** Process group id (= pid) of the suite running now, if any. */
let current: number | undefined;

/** SIGKILL the process group `pid` leads (a suite we spawned detached), ignoring "gone". */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already exited
  }
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killGroup(current);
    process.exit(130);
  });
}

async function runSuite(name: string, quick: boolean): Promise<SuiteResult> {
  const file = join(suitesDir, `${name}.ts`);
  const args = ['--expose-gc', file, ...(quick ? ['--quick'] : [])];
  const t0 = process.hrtime.bigint();
  // Own process group, so a timeout (or ^C on the runner) also ends any children the suite
  // started itself (peers.ts runs a child, swap suites run workers).
  const child = spawn(process.execPath, args, {
    cwd: repoDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  current = child.pid;

  // Hold each stdout line back until the next one arrives: the last one is the figures line
  // and is parsed rather than echoed.
  let last: string | undefined;
  const out = lines(child.stdout, (line) => {
    if (line.trim() === '') return;
    if (last !== undefined) process.stdout.write(`  [${name}] ${last}\n`);
    last = line;
  });
  const err = lines(child.stderr, (line) => process.stderr.write(`  [${name}] ${line}\n`));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, SUITE_TIMEOUT_MS);

  const { code, signal, spawnError } = await new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    spawnError?: Error;
  }>((resolve) => {
    child.on('error', (e) => resolve({ code: null, signal: null, spawnError: e }));
    child.on('close', (c, s) => resolve({ code: c, signal: s }));
  });
  clearTimeout(timer);
  current = undefined;
  await Promise.all([out, err]);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;

  const result: SuiteResult = { ok: false, exitCode: code, signal, ms, figures: {} };
  let parseError: string | undefined;
  try {
    const { figures, warnings } = parseFigures(last);
    result.figures = figures;
    if (warnings.length > 0) result.warnings = warnings;
  } catch (e) {
    parseError = (e as Error).message;
    // The held-back line was not figures after all: show it.
    if (last !== undefined) process.stdout.write(`  [${name}] ${last}\n`);
  }

  if (spawnError) result.error = `could not start: ${spawnError.message}`;
  else if (timedOut) result.error = `timed out after ${SUITE_TIMEOUT_MS / 1000} s (killed)`;
  else if (code !== 0) result.error = signal ? `killed by ${signal}` : `exited with code ${code}`;
  else if (parseError) result.error = parseError;
  else result.ok = true;
  return result;
}

// ---- table -------------------------------------------------------------------------------

function fmt(x: number): string {
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  const a = Math.abs(x);
  const digits = a >= 100 ? 1 : a >= 1 ? 2 : 3;
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function ratioLabel(t: Target): string {
  if (t.label) return t.label;
  const base = t.ratioOf!.split('.').pop()!;
  return base.replace(/_(eps|ns|us|ms|s|mb|kb|pct)$/, '');
}

function targetText(t: Target): string {
  const unit = t.ratioOf ? ` x ${ratioLabel(t)}` : '';
  const parts: string[] = [];
  if (t.min !== undefined) parts.push(`>= ${fmt(t.min)}${unit}`);
  if (t.max !== undefined) parts.push(`<= ${fmt(t.max)}${unit}`);
  return parts.join(', ');
}

interface Row {
  name: string;
  value: string;
  target: string;
  status: string;
}

function buildRows(
  figures: Figures,
  origin: Record<string, string>,
): { rows: Row[]; failed: string[] } {
  const baselines = new Set(Object.values(targets).flatMap((t) => (t.ratioOf ? [t.ratioOf] : [])));
  const names = [...new Set([...Object.keys(figures), ...Object.keys(targets)])].sort();
  const rows: Row[] = [];
  const failed: string[] = [];
  for (const name of names) {
    const v = figures[name];
    const t = targets[name];
    const checked = t && (t.min !== undefined || t.max !== undefined);
    if (v === undefined) {
      if (checked) rows.push({ name, value: '-', target: targetText(t), status: 'missing' });
      continue;
    }
    let value = fmt(v);
    let subject: number | undefined = v;
    if (t?.ratioOf) {
      const base = figures[t.ratioOf];
      if (base === undefined || base === 0) {
        subject = undefined;
        value += `  (no ${t.ratioOf})`;
      } else {
        subject = v / base;
        value += `  (${subject.toFixed(subject < 0.1 ? 3 : 2)} x ${ratioLabel(t)})`;
      }
    }
    let status: string;
    if (checked) {
      if (subject === undefined) status = 'missing';
      else {
        const pass = (t.min === undefined || subject >= t.min) && (t.max === undefined || subject <= t.max);
        status = pass ? 'pass' : 'FAIL';
        if (!pass) failed.push(name);
      }
    } else if (baselines.has(name)) status = 'baseline';
    else if (origin[name] === PEER_SUITE) status = 'peer';
    else status = 'reported';
    rows.push({ name, value, target: checked ? targetText(t) : '', status });
  }
  return { rows, failed };
}

function printTable(rows: Row[]): void {
  const head: Row = { name: 'figure', value: 'value', target: 'target', status: 'status' };
  const all = [head, ...rows];
  const w = {
    name: Math.max(...all.map((r) => r.name.length)),
    value: Math.max(...all.map((r) => r.value.length)),
    target: Math.max(...all.map((r) => r.target.length)),
  };
  const line = (r: Row) =>
    `${r.name.padEnd(w.name)}  ${r.value.padStart(w.value)}  ${r.target.padEnd(w.target)}  ${r.status}`;
  console.log(line(head));
  console.log('-'.repeat(w.name + w.value + w.target + 14));
  for (const r of rows) console.log(line(r));
}

// ---- main --------------------------------------------------------------------------------

async function main(): Promise<number> {
  const quick = quickMode();
  const unknownFlags = process.argv.slice(2).filter((a) => a.startsWith('-') && a !== '--quick');
  if (unknownFlags.length > 0) {
    console.error(`bench: unknown option ${unknownFlags.join(' ')} (usage: node bench/run.ts [--quick] [suite ...])`);
    return 1;
  }
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  let suites: string[];
  try {
    suites = await discover(only);
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    return 1;
  }
  const t0 = process.hrtime.bigint();
  console.log(
    `bench: ${suites.length} suite(s) [${suites.join(', ')}], ${quick ? 'quick' : 'full'}, node ${process.version}, ` +
      `${cpus().length} cpus, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );

  const results: Record<string, SuiteResult> = {};
  const figures: Figures = {};
  const origin: Record<string, string> = {};
  for (const name of suites) {
    console.log(`\n== ${name}`);
    const r = await runSuite(name, quick);
    // Only a suite that succeeded contributes to the merged figures (and so to pass/fail); a
    // failed suite's figures, if it printed any, stay under suites.<name>.figures.
    for (const [k, v] of r.ok ? Object.entries(r.figures) : []) {
      if (k in figures) {
        (r.warnings ??= []).push(`figure ${k} also reported by suite ${origin[k]}; kept that one`);
        continue;
      }
      figures[k] = v;
      origin[k] = name;
    }
    results[name] = r;
    for (const w of r.warnings ?? []) console.log(`  [${name}] warning: ${w}`);
    console.log(
      `== ${name}: ${r.ok ? 'ok' : `FAILED: ${r.error}`} (${(r.ms / 1000).toFixed(1)} s, ` +
        `${Object.keys(r.figures).length} figures)`,
    );
  }
  const totalS = Number(process.hrtime.bigint() - t0) / 1e9;

  const failedSuites = suites.filter((n) => !results[n]!.ok);
  const cpuList = cpus();
  const report = {
    node: process.version,
    quick,
    date: new Date().toISOString(),
    machine: {
      cpus: cpuList.length,
      model: cpuList[0]?.model ?? 'unknown',
      totalmem: totalmem(),
      loadavg: loadavg(),
    },
    figures,
    suites: Object.fromEntries(
      suites.map((n) => {
        const r = results[n]!;
        return [
          n,
          {
            ok: r.ok,
            exitCode: r.exitCode,
            ms: Math.round(r.ms),
            figures: r.figures,
            ...(r.error ? { error: r.error } : {}),
            ...(r.warnings ? { warnings: r.warnings } : {}),
          },
        ];
      }),
    ),
    ...(only.length > 0 ? { only } : {}),
    failed: failedSuites,
  };
  await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`);

  console.log('');
  const { rows, failed } = buildRows(figures, origin);
  printTable(rows);
  console.log('');
  console.log(`wrote ${join('bench', 'results.json')} (${Object.keys(figures).length} figures) in ${totalS.toFixed(1)} s`);
  if (quick && totalS > QUICK_BUDGET_S) {
    console.log(`warning: --quick took ${totalS.toFixed(1)} s, over its ${QUICK_BUDGET_S} s budget`);
  }
  if (failedSuites.length > 0) {
    console.log(`FAILED suites: ${failedSuites.map((n) => `${n} (${results[n]!.error})`).join('; ')}`);
  }
  if (failed.length > 0) console.log(`FAILED targets: ${failed.join(', ')}`);
  return failedSuites.length > 0 ? 1 : failed.length > 0 ? 2 : 0;
}

process.exitCode = await main();
