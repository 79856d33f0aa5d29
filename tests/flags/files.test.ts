import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HeliosError } from '../../src/errors/HeliosError.ts';
import { FlagFiles, type FlagFileRejection, type FlagFilesLogger } from '../../src/flags/FlagFiles.ts';
import { FlagStore } from '../../src/flags/FlagStore.ts';

const feature = (name: string, enabled = true, extra: Record<string, unknown> = {}) => ({
  name,
  enabled,
  strategies: [{ name: 'default', parameters: {}, constraints: [] }],
  ...extra,
});

/** Poll until `check` holds; fails after `ms` (never a fixed sleep used as an assertion). */
async function until(check: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rejectsWith(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return e instanceof HeliosError ? e.code : 'not a HeliosError';
  }
  return undefined;
}

let dir: string;
let opened: FlagFiles[] = [];
const logs: { level: string; msg: string; data?: Record<string, unknown> }[] = [];
const log: FlagFilesLogger = { log: (level, msg, data) => void logs.push({ level, msg, data }) };

const put = (name: string, json: unknown, file = `${name}.json`) =>
  writeFile(join(dir, file), typeof json === 'string' ? json : JSON.stringify(json));

async function openFiles(store = new FlagStore()): Promise<{ files: FlagFiles; store: FlagStore }> {
  const files = await FlagFiles.open({ dir, store, log });
  opened.push(files);
  return { files, store };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'helios-flags-'));
  logs.length = 0;
});

afterEach(async () => {
  await Promise.all(opened.map((f) => f.close()));
  opened = [];
  await rm(dir, { recursive: true, force: true });
});

describe('FlagFiles', () => {
  it('loads every valid file in one replace, replacing what the store held', async () => {
    await put('a', feature('a'));
    await put('b', feature('b', false, { description: 'kept', createdAt: '2024-01-01' }));
    await writeFile(join(dir, 'notes.txt'), 'not a flag');
    const store = new FlagStore([feature('stale')]);
    let changes = 0;
    store.onChange(() => changes++);
    const { files } = await openFiles(store);
    expect(changes).toBe(1);
    expect(store.current().names().sort()).toEqual(['a', 'b']);
    expect(store.current().isEnabled('a')).toBe(true);
    expect(store.current().isEnabled('b', {}, true)).toBe(false);
    expect(store.current().feature('b')?.['createdAt']).toBe('2024-01-01');
    expect(files.errors()).toEqual([]);
    expect(files.lastError).toBeUndefined();
  });

  it('rejects broken files at load with a coded, logged error and loads the rest', async () => {
    await put('good', feature('good'));
    await put('badjson', '{ "name": "badjson", ');
    await put('badfeature', { name: 'badfeature', enabled: 'yes', strategies: [] });
    await put('mismatch', feature('other'));
    await put('badsegment', feature('badsegment', true, { strategies: [{ name: 'default', segments: [7] }] }));
    const { files, store } = await openFiles();
    expect(store.current().names()).toEqual(['good']);
    const byFile = new Map(files.errors().map((r) => [r.file, r.error]));
    for (const name of ['badjson', 'badfeature', 'mismatch', 'badsegment']) {
      const error = byFile.get(join(dir, `${name}.json`));
      expect(error?.code, name).toBe('HELIOS_E_FLAG_INVALID');
      expect(error?.details?.['file']).toBe(join(dir, `${name}.json`));
    }
    expect(logs.filter((l) => l.data?.['code'] === 'HELIOS_E_FLAG_INVALID')).toHaveLength(4);
  });

  it('keeps the store segments across the load, so files may reference them', async () => {
    const seg = { id: 1, constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }] };
    await put('s', feature('s', true, { strategies: [{ name: 'default', segments: [1] }] }));
    const { files, store } = await openFiles(new FlagStore({ features: [], segments: [seg] }));
    expect(files.errors()).toEqual([]);
    expect(store.current().isEnabled('s', { properties: { tier: 'gold' } })).toBe(true);
    expect(store.current().isEnabled('s', { properties: { tier: 'tin' } })).toBe(false);
  });

  it('applies an edit, a new file and a delete on disk within a second', async () => {
    await put('a', feature('a', false));
    const { store } = await openFiles();
    expect(store.current().isEnabled('a')).toBe(false);

    await put('a', feature('a', true));
    await until(() => store.current().isEnabled('a'), 1000, 'edit of a');

    await put('b', feature('b'));
    await until(() => store.current().has('b'), 1000, 'new file b');

    await unlink(join(dir, 'a.json'));
    await until(() => !store.current().has('a'), 1000, 'delete of a');
    expect(store.current().names()).toEqual(['b']);
  });

  it('rejects a broken edit, keeping the last good version, and reports it to observers', async () => {
    await put('a', feature('a', true));
    const { files, store } = await openFiles();
    const seen: FlagFileRejection[] = [];
    files.onReject((r) => seen.push(r));
    const good = store.current();

    const broken: [string, string | object][] = [
      ['invalid JSON', '{ "name": "a", "enabled": fals'],
      ['invalid feature', { name: 'a', enabled: true, strategies: [{ name: 'flexibleRollout', parameters: { rollout: '250' } }] }],
      ['name mismatch', feature('b', false)],
    ];
    for (const [i, [what, json]] of broken.entries()) {
      await put('a', json);
      await until(() => seen.length === i + 1, 3000, `rejection of ${what}`);
      expect(seen[i]!.error.code, what).toBe('HELIOS_E_FLAG_INVALID');
      expect(seen[i]!.file).toBe(join(dir, 'a.json'));
      expect(files.lastError).toBe(seen[i]);
      expect(store.current(), what).toBe(good);
    }
    expect(store.current().isEnabled('a')).toBe(true);
    expect(store.current().has('b')).toBe(false);

    // Fixing the file applies it again.
    await put('a', feature('a', false));
    await until(() => !store.current().isEnabled('a', {}, true), 1000, 'fixed edit');
  });

  it('write() validates, persists atomically, upserts at once and survives a restart', async () => {
    const { files, store } = await openFiles();
    const before = store.current();
    expect(await rejectsWith(files.write({ name: 'x', enabled: 'on', strategies: [] }))).toBe('HELIOS_E_FLAG_INVALID');
    expect(await rejectsWith(files.write(feature('../escape')))).toBe('HELIOS_E_FLAG_INVALID');
    expect(await rejectsWith(files.write(feature('s', true, { strategies: [{ name: 'default', segments: [9] }] })))).toBe(
      'HELIOS_E_FLAG_INVALID',
    );
    expect(store.current()).toBe(before);

    const route = feature('helios.route.execution', true, {
      variants: [{ name: 'v2', weight: 1000, weightType: 'variable', stickiness: 'default' }],
    });
    const snap = await files.write(route);
    expect(store.current()).toBe(snap); // no waiting for the watcher
    expect(snap.getVariant('helios.route.execution').name).toBe('v2');
    const onDisk = JSON.parse(await readFile(join(dir, 'helios.route.execution.json'), 'utf8'));
    expect(onDisk).toEqual(route);
    await files.close();

    const again = await openFiles();
    expect(again.store.current().getVariant('helios.route.execution').name).toBe('v2');
    expect(again.files.errors()).toEqual([]);
  });

  it("treats the watcher's echo of a write as a no-op", async () => {
    const { files, store } = await openFiles();
    let changes = 0;
    store.onChange(() => changes++);
    const snap = await files.write(feature('w', true, { description: 'written by Helios' }));
    expect(changes).toBe(1);
    // The watcher does see the rename (it says so at debug level) and changes nothing.
    const file = join(dir, 'w.json');
    await until(() => logs.some((l) => l.msg === 'flag file matches the store' && l.data?.['file'] === file), 3000, 'echo');
    expect(changes).toBe(1);
    expect(store.current()).toBe(snap);
    // And a later on-disk edit of another file still applies normally.
    await put('marker', feature('marker'));
    await until(() => store.current().has('marker'), 3000, 'marker file');
    expect(changes).toBe(2);
    expect(store.current().feature('w')).toBe(snap.feature('w'));
    expect(files.errors()).toEqual([]);
  });

  it('delete() removes the file and the flag; unknown names are coded errors', async () => {
    await put('d', feature('d'));
    const { files, store } = await openFiles();
    let changes = 0;
    store.onChange(() => changes++);
    await files.delete('d');
    expect(store.current().has('d')).toBe(false);
    expect(await rejectsWith(readFile(join(dir, 'd.json')))).toBe('not a HeliosError'); // ENOENT
    expect(await rejectsWith(files.delete('d'))).toBe('HELIOS_E_FLAG_UNKNOWN');
    expect(await rejectsWith(files.delete('../etc/passwd'))).toBe('HELIOS_E_FLAG_UNKNOWN');
    await put('marker', feature('marker'));
    await until(() => store.current().has('marker'), 3000, 'marker file');
    expect(changes).toBe(2); // the delete and the marker; the unlink echo changed nothing
  });

  it('close() stops watching', async () => {
    const { files, store } = await openFiles();
    const control = await openFiles(new FlagStore());
    await files.close();
    const after = store.current();
    await put('late', feature('late'));
    // The control watcher on the same folder applies the file; the closed one never does.
    await until(() => control.store.current().has('late'), 3000, 'control watcher');
    expect(store.current()).toBe(after);
  });
});
