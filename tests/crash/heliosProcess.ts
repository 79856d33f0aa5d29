import { spawn, type ChildProcess } from 'node:child_process';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * `npm start` as a real child process (main.ts under this Node), so a test
 * can kill it the way an operator or the OS would and start it again on the
 * same data. Output is kept for assertions and failure messages.
 */
export class HeliosProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #out = '';
  #waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];

  private constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['main.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (d: Buffer): void => {
      this.#out += d.toString();
      this.#waiters = this.#waiters.filter((w) => {
        const m = this.#out.match(w.re);
        if (m !== null) w.resolve(m);
        return m === null;
      });
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    this.exited = new Promise((r) => this.child.on('exit', (code, signal) => r({ code, signal })));
  }

  /** Starts main.ts and resolves once its API listens, with the API's address. */
  static async start(env: Record<string, string>, timeoutMs = 45_000): Promise<{ proc: HeliosProcess; api: string }> {
    const proc = new HeliosProcess(env);
    const m = await proc.waitFor(/^API (http:\/\/\S+) \|/m, timeoutMs);
    return { proc, api: m[1]! };
  }

  get output(): string {
    return this.#out;
  }

  /** The first match of `re` in the output so far or to come; rejects if the process exits or time runs out first. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const now = this.#out.match(re);
    if (now !== null) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${re} within ${timeoutMs} ms; output:\n${this.#out.slice(-3000)}`)), timeoutMs);
      void this.exited.then((e) => reject(new Error(`exited (${e.code ?? e.signal}) before ${re}; output:\n${this.#out.slice(-3000)}`)));
      this.#waiters.push({
        re,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Sends `signal` and resolves with how the process ended. */
  async stop(signal: NodeJS.Signals, timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms after ${signal}; output:\n${this.#out.slice(-3000)}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** For afterAll: whatever state the test left it in, it does not outlive the test. */
  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
