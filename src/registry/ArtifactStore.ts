import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { HeliosError } from '../errors/HeliosError.ts';

/** Files that are never part of an artifact: editor and VCS litter would change the hash without changing the code. */
const IGNORED = /(^|\/)(\.git|node_modules|\.DS_Store)(\/|$)|~$|\.swp$/;

/** What a module folder's artifact consists of: its own files plus every file its code imports. */
export interface ArtifactFiles {
  /** Common ancestor of the module folder and everything it imports. */
  root: string;
  /** The module folder relative to `root` ('' when it imports nothing outside itself). */
  moduleRel: string;
  /** Files relative to `root`, sorted. */
  files: string[];
}

/**
 * Immutable, content-addressed copies of module folders. Once a version is
 * registered its running code comes from `<root>/<sha256>/`, so editing the
 * source folder afterwards can never change a running version: it can only
 * register a new one.
 *
 * Modules share code (indicators, GARCH, linear algebra) through relative
 * imports such as `../../lib/garch.ts`. Those files are part of what runs, so
 * they are part of the artifact: registration follows every relative value
 * import, copies the files at the same relative layout and hashes them with
 * the module's own. Editing a shared file therefore yields a new hash for
 * every module that uses it, and a running version never sees the edit.
 * Type-only imports are erased before running, so they are not followed.
 */
export class ArtifactStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** The module folder's files and the transitive closure of its relative value imports. */
  static async collect(dir: string): Promise<ArtifactFiles> {
    const moduleDir = resolve(dir);
    const abs = new Set((await listFiles(moduleDir)).map((f) => join(moduleDir, f)));
    const pending = [...abs].filter(isCode);
    while (pending.length > 0) {
      const file = pending.pop()!;
      for (const spec of relativeValueImports(await readFile(file, 'utf8'))) {
        const target = resolve(dirname(file), spec);
        if (abs.has(target)) continue;
        if (!(await isFile(target))) {
          throw new HeliosError('HELIOS_E_MANIFEST_INVALID', `${relative(moduleDir, file)} imports ${spec}, which is not a file`, { file: relative(moduleDir, file), import: spec });
        }
        abs.add(target);
        if (isCode(target)) pending.push(target);
      }
    }
    let root = moduleDir;
    for (const f of abs) while (relative(root, f).startsWith('..')) root = dirname(root);
    const files = [...abs].map((f) => relative(root, f).split(sep).join('/')).sort();
    return { root, moduleRel: relative(root, moduleDir).split(sep).join('/'), files };
  }

  /** sha256 over every artifact file's relative path and bytes, in sorted path order. */
  static async hashFolder(dir: string): Promise<{ sha256: string; files: string[]; root: string; moduleRel: string }> {
    const a = await ArtifactStore.collect(dir);
    const h = createHash('sha256');
    for (const f of a.files) {
      const bytes = await readFile(join(a.root, f));
      h.update(`${f}\0${bytes.length}\0`);
      h.update(bytes);
    }
    return { sha256: h.digest('hex'), ...a };
  }

  /** Copies `dir` and what it imports into the store (once per hash); `path` is the module folder inside it. */
  async put(dir: string): Promise<{ sha256: string; path: string; files: string[] }> {
    const { sha256, files, root, moduleRel } = await ArtifactStore.hashFolder(dir);
    const base = join(this.root, sha256);
    const path = join(base, moduleRel);
    await this.#ensureRoot();
    if (await exists(base)) return { sha256, path, files };
    // Copy to a temporary name and rename, so a crash never leaves a half-written artifact under its hash.
    const tmp = `${base}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(tmp, { recursive: true });
    for (const f of files) {
      await mkdir(dirname(join(tmp, f)), { recursive: true });
      await cp(join(root, f), join(tmp, f), { recursive: false });
    }
    try {
      await rename(tmp, base);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      if (!(await exists(base))) throw e;
    }
    return { sha256, path, files };
  }

  /**
   * Artifacts are ESM TypeScript run by Node's type stripping, which takes the
   * module format from the nearest package.json; the store may live outside
   * the project (any data directory), so it carries its own.
   */
  async #ensureRoot(): Promise<void> {
    const pkg = join(this.root, 'package.json');
    if (await exists(pkg)) return;
    await mkdir(this.root, { recursive: true });
    await writeFile(pkg, '{ "type": "module", "private": true }\n');
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256);
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = relative(dir, join(e.parentPath, e.name)).split(sep).join('/');
    if (!IGNORED.test(rel)) out.push(rel);
  }
  return out;
}

const CODE = /\.(ts|mts|js|mjs)$/;
function isCode(f: string): boolean {
  return CODE.test(f);
}

/**
 * Relative specifiers of static imports and re-exports that survive type
 * stripping, plus side-effect and literal dynamic imports. `import type` and
 * `export type` are erased before running, so they are skipped.
 */
export function relativeValueImports(source: string): string[] {
  const out: string[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const fromRe = /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/g;
  for (const m of code.matchAll(fromRe)) if (m[2] === undefined) out.push(m[3]!);
  for (const m of code.matchAll(/(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out.filter((s) => s.startsWith('./') || s.startsWith('../'));
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
