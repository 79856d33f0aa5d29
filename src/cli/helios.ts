/**
 * `helios <command>`: the operator's CLI, a thin client of the REST API (so
 * it can never do what the API would refuse). The token comes from
 * HELIOS_API_TOKEN, else from the data directory where Helios stored it.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

const USAGE = `usage: helios <command> [args]
  status                                   every tier: versions, roles, breakers, throughput
  modules                                  registered module versions
  register <tier>/<name>                   register a folder under modules/
  test <name> [version]                    run a module's harness
  swap <tier> <name@version> [immediate|shadow|canary] [steps e.g. 5,25,50,100]
  rollback <tier>                          back to the warm previous version
  rollouts                                 every rollout
  promote <rollout-id> | abort <rollout-id>
  flags | flag <name>                      feature flags
  breakers | breaker <name@version>        circuit breakers
  kill <halt|reduce|flatten> <reason...>   the kill switch
  reset <reason...>                        back to ACTIVE
environment: HELIOS_URL (default http://127.0.0.1:3000), HELIOS_API_TOKEN, HELIOS_DATA_DIR (default ./.helios)`;

export function toCall(argv: string[]): Call | undefined {
  const [cmd, ...a] = argv;
  const enc = encodeURIComponent;
  switch (cmd) {
    case 'status':
      return { method: 'GET', path: '/api/modularity/status' };
    case 'modules':
      return { method: 'GET', path: '/api/modularity/modules' };
    case 'register':
      return a[0] ? { method: 'POST', path: '/api/modularity/modules/register', body: { path: a[0] } } : undefined;
    case 'test':
      return a[0] ? { method: 'POST', path: `/api/modularity/modules/${enc(a[0])}/test`, body: a[1] ? { version: a[1] } : {} } : undefined;
    case 'swap': {
      if (!a[0] || !a[1]) return undefined;
      const body: Record<string, unknown> = { tier: a[0], version: a[1], strategy: a[2] ?? 'immediate' };
      if (a[3]) body.steps = a[3].split(',').map(Number);
      return { method: 'POST', path: '/api/modularity/modules/swap', body };
    }
    case 'rollback':
      return a[0] ? { method: 'POST', path: `/api/modularity/modules/${enc(a[0])}/rollback`, body: {} } : undefined;
    case 'rollouts':
      return { method: 'GET', path: '/api/modularity/rollouts' };
    case 'promote':
    case 'abort':
      return a[0] ? { method: 'POST', path: `/api/modularity/rollouts/${enc(a[0])}/${cmd}`, body: {} } : undefined;
    case 'flags':
      return { method: 'GET', path: '/api/modularity/feature-flags' };
    case 'flag':
      return a[0] ? { method: 'GET', path: `/api/modularity/feature-flags/${enc(a[0])}` } : undefined;
    case 'breakers':
      return { method: 'GET', path: '/api/modularity/circuit-breakers' };
    case 'breaker':
      return a[0] ? { method: 'GET', path: `/api/modularity/circuit-breakers/${enc(a[0])}` } : undefined;
    case 'kill':
      return a[0] && a.length > 1 ? { method: 'POST', path: '/api/kill-switch', body: { mode: a[0], reason: a.slice(1).join(' ') } } : undefined;
    case 'reset':
      return a.length > 0 ? { method: 'POST', path: '/api/kill-switch/reset', body: { reason: a.join(' ') } } : undefined;
    default:
      return undefined;
  }
}

async function token(): Promise<string | undefined> {
  if (process.env.HELIOS_API_TOKEN) return process.env.HELIOS_API_TOKEN;
  try {
    return (await readFile(join(resolve(process.env.HELIOS_DATA_DIR ?? './.helios'), 'api-token'), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const call = toCall(process.argv.slice(2));
  if (call === undefined) {
    console.error(USAGE);
    return 2;
  }
  const base = process.env.HELIOS_URL ?? 'http://127.0.0.1:3000';
  const headers: Record<string, string> = {};
  if (call.method === 'POST') {
    headers['content-type'] = 'application/json';
    const t = await token();
    if (t !== undefined) headers.authorization = `Bearer ${t}`;
  }
  let res: Response;
  try {
    res = await fetch(base + call.path, { method: call.method, headers, ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}) });
  } catch (e) {
    console.error(`cannot reach Helios at ${base}: ${(e as Error).message}`);
    return 3;
  }
  const text = await res.text();
  let out: unknown = text;
  try {
    out = JSON.parse(text);
  } catch {
    // not JSON: print as is
  }
  const pretty = typeof out === 'string' ? out : JSON.stringify(out, null, 2);
  if (res.ok) console.log(pretty);
  else console.error(pretty);
  return res.ok ? 0 : 1;
}

if (import.meta.main) process.exit(await main());
