/**
 * Flag files on disk as a live source for a `FlagStore`: `<dir>/<name>.json` holds one Unleash
 * feature (the JSON an Unleash server returns for it). `open` loads the folder into the store
 * in one `replace`; a chokidar watcher then applies every edit as an `upsert` and every delete
 * as a `remove`. A file that is not valid (bad JSON, a feature that fails validation, a `name`
 * that differs from the file name, an unknown segment) is rejected with a coded error and
 * never reaches the store: the last good version of its flag stays.
 *
 * `write` / `delete` are the write-back path (used for Helios' own `helios.route.<tier>`
 * flags too): they change the file atomically and the store at once; the watcher's later
 * event for the same content compares equal to the store and is a no-op.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open as openFile, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { HeliosError } from '../errors/HeliosError.ts';
import { parseFeature, type Feature } from './FeatureSchema.ts';
import type { FlagSnapshot } from './FlagSnapshot.ts';
import type { FlagStore } from './FlagStore.ts';

/** Same shape as the kernel's logger. */
export interface FlagFilesLogger {
  log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>): void;
}

export interface FlagFilesOptions {
  /** The folder of `<name>.json` files; created if missing. */
  dir: string;
  /** The store the files feed. `open` replaces its flags (its segments are kept). */
  store: FlagStore;
  log?: FlagFilesLogger;
  /**
   * How long a file's size must stay put before an edit is read (chokidar `awaitWriteFinish`).
   * Defaults keep edits visible well within a second.
   */
  awaitWriteFinish?: { stabilityThreshold: number; pollInterval: number };
}

/** A file that was not applied, and why. */
export interface FlagFileRejection {
  /** Absolute path of the file. */
  readonly file: string;
  /** Always `HELIOS_E_FLAG_INVALID`, with `details.file` (and `details.issues` from validation). */
  readonly error: HeliosError;
  /** `Date.now()` when it was rejected. */
  readonly at: number;
}

export type FlagRejectListener = (rejection: FlagFileRejection) => void;

const MAX_ERRORS = 100;
const DEFAULT_AWF = { stabilityThreshold: 50, pollInterval: 10 };
const SUFFIX = '.json';

export class FlagFiles {
  /** Absolute path of the watched folder. */
  readonly dir: string;
  readonly #store: FlagStore;
  readonly #log: FlagFilesLogger | undefined;
  readonly #watcher: FSWatcher;
  readonly #listeners = new Set<FlagRejectListener>();
  readonly #errors: FlagFileRejection[] = [];
  /** Last rejected text per file, so one bad save reported by several events is reported once. */
  readonly #rejectedText = new Map<string, string>();
  /** Every load, event, write and delete runs in turn, so each sees the previous one's result. */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(dir: string, store: FlagStore, log: FlagFilesLogger | undefined, watcher: FSWatcher) {
    this.dir = dir;
    this.#store = store;
    this.#log = log;
    this.#watcher = watcher;
  }

  /**
   * Load every `*.json` in `dir` into `store` (one atomic `replace`; invalid files are rejected
   * and skipped) and start watching it.
   * @throws whatever the folder cannot be created or listed with (the watcher is closed).
   */
  static async open(options: FlagFilesOptions): Promise<FlagFiles> {
    const dir = resolve(options.dir);
    await mkdir(dir, { recursive: true });
    const watcher = watch(dir, {
      ignoreInitial: true,
      depth: 0,
      // Only `<name>.json` directly in dir; dotfiles (our temp files among them) never count.
      ignored: (p: string) => resolve(p) !== dir && !isFlagFile(p),
      awaitWriteFinish: options.awaitWriteFinish ?? DEFAULT_AWF,
    });
    const files = new FlagFiles(dir, options.store, options.log, watcher);
    const ready = new Promise<void>((res, rej) => {
      watcher.once('ready', res);
      watcher.once('error', rej);
    });
    const onEvent = (path: string): void => void files.#enqueue(() => files.#sync(resolve(path)));
    watcher.on('add', onEvent).on('change', onEvent).on('unlink', onEvent);
    // Watch first, then read: an edit during the read is applied after it, never lost.
    const loaded = files.#enqueue(async () => {
      await ready;
      watcher.on('error', (e: unknown) => files.#log?.log('error', 'flag file watcher failed', { dir, error: String(e) }));
      await files.#loadAll();
    });
    try {
      await loaded;
    } catch (e) {
      files.#closed = true;
      await watcher.close();
      throw e;
    }
    return files;
  }

  /** The most recent rejection, if any. */
  get lastError(): FlagFileRejection | undefined {
    return this.#errors.at(-1);
  }

  /** Recent rejections, oldest first (the last 100). */
  errors(): readonly FlagFileRejection[] {
    return [...this.#errors];
  }

  /** Observe rejections; returns the unsubscribe function. */
  onReject(listener: FlagRejectListener): () => void {
    const entry: FlagRejectListener = (r) => listener(r);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** The path of flag `name`'s file. */
  fileOf(name: string): string {
    return join(this.dir, name + SUFFIX);
  }

  /**
   * Validate `featureJson`, write it to `<dir>/<name>.json` atomically (temp file + rename) and
   * upsert it into the store, without waiting for the watcher.
   * @throws HeliosError `HELIOS_E_FLAG_INVALID` on invalid input (nothing changes), or if its
   * name cannot be a file name.
   */
  async write(featureJson: unknown): Promise<FlagSnapshot> {
    // Store exactly what the file will hold, so the watcher's echo compares equal.
    const text = toJsonText(featureJson);
    const feature = parseFeature(JSON.parse(text));
    if (!isSafeName(feature.name)) {
      throw new HeliosError('HELIOS_E_FLAG_INVALID', `Feature name "${feature.name}" cannot be a flag file name`, {
        issues: [{ path: 'name', message: 'must not be empty, start with "." or contain "/", "\\" or NUL' }],
      });
    }
    return this.#enqueue(async () => {
      this.#store.current().withFeature(feature); // unknown segments throw before the file is touched
      const file = this.fileOf(feature.name);
      await writeAtomic(file, text);
      this.#rejectedText.delete(file);
      return this.#apply(feature);
    });
  }

  /**
   * Remove flag `name`: its file and its entry in the store.
   * @throws HeliosError `HELIOS_E_FLAG_UNKNOWN` if there is neither.
   */
  async delete(name: string): Promise<FlagSnapshot> {
    return this.#enqueue(async () => {
      let removedFile = false;
      if (isSafeName(name)) {
        const file = this.fileOf(name);
        removedFile = await rm(file).then(
          () => true,
          (e: NodeJS.ErrnoException) => {
            if (e.code === 'ENOENT') return false;
            throw e;
          },
        );
        this.#rejectedText.delete(file);
      }
      if (this.#store.current().has(name)) return this.#store.remove(name);
      if (!removedFile) throw new HeliosError('HELIOS_E_FLAG_UNKNOWN', `No feature flag named "${name}"`, { name });
      return this.#store.current();
    });
  }

  /** Stop watching (after any change in progress). `write` / `delete` still work on the files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#watcher.close();
    await this.#queue.catch(() => {});
  }

  /** Initial load: every valid file, in one replace; the store's segments are kept. */
  async #loadAll(): Promise<void> {
    const segments = this.#store.current().source.segments;
    const segmentIds = new Set(segments.map((s) => s.id));
    const entries = await readdir(this.dir, { withFileTypes: true });
    const names = entries.filter((e) => e.isFile() && isFlagFile(e.name)).map((e) => e.name).sort();
    const features: Feature[] = [];
    for (const entry of names) {
      const file = join(this.dir, entry);
      const text = await readText(file);
      if (text === undefined) continue; // deleted since the listing
      const result = this.#validate(file, text);
      if (result instanceof HeliosError) {
        this.#reject(file, text, result);
        continue;
      }
      const missing = unknownSegment(result, segmentIds);
      if (missing !== undefined) {
        this.#reject(file, text, invalid(file, `Invalid feature: ${missing.path}: ${missing.message}`, [missing]));
        continue;
      }
      features.push(result);
    }
    this.#store.replace({ features, segments });
    this.#log?.log('info', 'flag files loaded', { dir: this.dir, loaded: features.length, files: names.length });
  }

  /** Bring the store in line with one file as it is now (called for add, change and unlink). */
  async #sync(file: string): Promise<void> {
    if (this.#closed) return;
    const name = basename(file, SUFFIX);
    const text = await readText(file);
    if (text === undefined) {
      this.#rejectedText.delete(file);
      if (this.#store.current().has(name)) {
        this.#store.remove(name);
        this.#log?.log('info', 'flag removed: file deleted', { file, name });
      }
      return;
    }
    if (this.#rejectedText.get(file) === text) return; // same bad save, already reported
    const result = this.#validate(file, text);
    if (result instanceof HeliosError) return this.#reject(file, text, result);
    try {
      const before = this.#store.current();
      if (this.#apply(result) !== before) this.#log?.log('info', 'flag updated from file', { file, name });
      else this.#log?.log('debug', 'flag file matches the store', { file, name });
      this.#rejectedText.delete(file);
    } catch (e) {
      const he = e instanceof HeliosError ? e : undefined;
      this.#reject(file, text, invalid(file, he?.message ?? String(e), he?.details?.['issues']));
    }
  }

  /** Upsert unless the store already holds exactly this feature (the watcher echoing a write). */
  #apply(feature: Feature): FlagSnapshot {
    const current = this.#store.current();
    const held = current.feature(feature.name);
    if (held !== undefined && canonical(held) === canonical(feature)) return current;
    return this.#store.upsert(feature);
  }

  /** Parse and validate one file's text; the feature, or the error to reject it with. */
  #validate(file: string, text: string): Feature | HeliosError {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return invalid(file, `Invalid JSON in ${file}: ${e instanceof Error ? e.message : String(e)}`, [
        { path: '', message: 'not valid JSON' },
      ]);
    }
    let feature: Feature;
    try {
      feature = parseFeature(json);
    } catch (e) {
      const he = e instanceof HeliosError ? e : undefined;
      return invalid(file, `${file}: ${he?.message ?? String(e)}`, he?.details?.['issues']);
    }
    const expected = basename(file, SUFFIX);
    if (feature.name !== expected) {
      return invalid(file, `${file}: feature name "${feature.name}" does not match the file name "${expected}"`, [
        { path: 'name', message: `must be "${expected}" to match the file name` },
      ]);
    }
    return feature;
  }

  #reject(file: string, text: string, error: HeliosError): void {
    this.#rejectedText.set(file, text);
    const rejection: FlagFileRejection = Object.freeze({ file, error, at: Date.now() });
    this.#errors.push(rejection);
    if (this.#errors.length > MAX_ERRORS) this.#errors.shift();
    this.#log?.log('warn', 'flag file rejected', { file, ...error.toJSON() });
    for (const listener of [...this.#listeners]) {
      try {
        listener(rejection);
      } catch (e) {
        this.#log?.log('error', 'flag reject listener threw', { file, error: String(e) });
      }
    }
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    // A failed task must not stop the ones behind it; watcher tasks are fire-and-forget.
    this.#queue = run.catch((e: unknown) => this.#log?.log('error', 'flag file task failed', { dir: this.dir, error: String(e) }));
    return run;
  }
}

function isFlagFile(path: string): boolean {
  const name = basename(path);
  return name.endsWith(SUFFIX) && name.length > SUFFIX.length && !name.startsWith('.');
}

function isSafeName(name: string): boolean {
  return name.length > 0 && !name.startsWith('.') && !/[/\\\0]/.test(name);
}

function invalid(file: string, message: string, issues: unknown): HeliosError {
  return new HeliosError('HELIOS_E_FLAG_INVALID', message, issues === undefined ? { file } : { file, issues });
}

function unknownSegment(feature: Feature, ids: ReadonlySet<number>): { path: string; message: string } | undefined {
  for (const [j, st] of feature.strategies.entries()) {
    for (const [k, id] of (st.segments ?? []).entries()) {
      if (!ids.has(id)) return { path: `strategies.${j}.segments.${k}`, message: `unknown segment ${id}` };
    }
  }
  return undefined;
}

/** The file's text, or `undefined` if it is gone. */
async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function toJsonText(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, 2);
  } catch (e) {
    throw new HeliosError('HELIOS_E_FLAG_INVALID', `Invalid feature: not serialisable as JSON: ${e instanceof Error ? e.message : String(e)}`, {
      issues: [{ path: '', message: 'not serialisable as JSON' }],
    });
  }
  if (text === undefined) {
    throw new HeliosError('HELIOS_E_FLAG_INVALID', 'Invalid feature: (root): expected an object', {
      issues: [{ path: '', message: 'expected an object' }],
    });
  }
  return text + '\n';
}

/** Write to a dotfile beside `file` (the watcher ignores it), flush, then rename over `file`. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = join(resolve(file, '..'), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await openFile(tmp, 'w');
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** JSON with object keys sorted: equal for the same feature whatever order its keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
