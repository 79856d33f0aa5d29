/**
 * The contract every bench suite follows (bench/suites/<name>.ts):
 *
 * - It is run as `node bench/suites/<name>.ts [--quick]` in its own child process (the runner
 *   adds `--expose-gc`; use `forceGc()` from ./mem.ts, which works without it too).
 * - It may print any human-readable lines on stdout or stderr while it runs.
 * - Its LAST stdout line is one JSON object of figures, `{ "<group>.<name>": number, ... }`,
 *   printed by `emit()`. Nothing may be written to stdout after it.
 * - It exits 0 on success. A non-zero exit, or a last line that is not such an object, marks the
 *   suite failed in the runner.
 * - `--quick` means smaller N (the whole `npm run bench -- --quick` must take < 60 s), never
 *   different figure names.
 */

/** True when the suite was started with `--quick`. */
export const quick: boolean = process.argv.includes('--quick');

/** Value of `--name=value` or `--name value`, if present. */
export function arg(name: string): string | undefined {
  const argv = process.argv;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/** Figures a suite reports: finite numbers keyed by dotted names, e.g. `pipeline7.raw_eps`. */
export type Figures = Record<string, number>;

/**
 * Print the figures as the suite's last stdout line. Throws (before printing) if a value is not a
 * finite number, so a broken measurement fails the suite instead of reporting NaN.
 */
export function emit(figures: Figures): void {
  for (const [k, v] of Object.entries(figures)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`figure ${k} is not a finite number: ${String(v)}`);
    }
  }
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** Human-readable progress line (stdout, before `emit`). */
export function log(...parts: unknown[]): void {
  console.log(...parts);
}
