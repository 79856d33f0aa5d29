/**
 * `helios <command>`: the operator's CLI, a thin client of the REST API (so
 * it can never do what the API would refuse). The token comes from
 * HELIOS_API_TOKEN, else from the data directory where Helios stored it.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TIERS, type Tier } from '../contracts/tiers.ts';

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Narrows a successful answer to what was asked for (one tier, one tier's rollouts). */
  view?: (answer: unknown) => unknown;
  /**
   * The path's ROLLOUT placeholder stands for this tier's rollout in progress,
   * looked up first: an operator names the tier, not an id they must copy.
   */
  activeRolloutOf?: Tier;
}

interface RolloutLike {
  id: string;
  tier: string;
  state: string;
}

export const ROLLOUT = '{rollout}';
const isTier = (s: string | undefined): s is Tier => (TIERS as readonly string[]).includes(s ?? '');

const USAGE = `usage: helios <command> [args]
  status [tier]                            every tier (or one): versions, roles, breakers, throughput
  modules                                  registered module versions
  register <tier>/<name>                   register a folder under modules/
  test <name> [version]                    run a module's harness
  swap <tier> <name@version> [immediate|shadow|canary] [steps e.g. 5,25,50,100]
  rollback <tier>                          back to the warm previous version
  rollouts [tier]                          every rollout (or one tier's), newest first
  promote <rollout-id|tier> | abort <rollout-id|tier>
                                           decide a rollout; a tier means its rollout in progress
  flags | flag <name>                      feature flags
  breakers | breaker <name@version>        circuit breakers
  kill <halt|reduce|flatten> <reason...>   the kill switch
  reset <reason...>                        back to ACTIVE
environment: HELIOS_URL (default http://127.0.0.1:3000), HELIOS_API_TOKEN, HELIOS_DATA_DIR (default ./.helios)`;

export function toCall(argv: string[]): Call | undefined {
  const [cmd, ...a] = argv;
  const enc = encodeURIComponent;
  switch (cmd) {
    case 'status': {
      const tier = a[0];
      if (tier === undefined) return { method: 'GET', path: '/api/modularity/status' };
      if (!isTier(tier)) return undefined;
      const view = (s: unknown) => {
        const st = s as { trading: string; tiers: Record<string, object> };
        return { tier, trading: st.trading, ...st.tiers[tier] };
      };
      return { method: 'GET', path: '/api/modularity/status', view };
    }
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
    case 'rollouts': {
      const tier = a[0];
      if (tier === undefined) return { method: 'GET', path: '/api/modularity/rollouts' };
      if (!isTier(tier)) return undefined;
      return { method: 'GET', path: '/api/modularity/rollouts', view: (rs) => (rs as RolloutLike[]).filter((r) => r.tier === tier) };
    }
    case 'promote':
    case 'abort':
      if (!a[0]) return undefined;
      if (isTier(a[0])) return { method: 'POST', path: `/api/modularity/rollouts/${ROLLOUT}/${cmd}`, body: {}, activeRolloutOf: a[0] };
      return { method: 'POST', path: `/api/modularity/rollouts/${enc(a[0])}/${cmd}`, body: {} };
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

/** The id of `tier`'s rollout in progress (shadow or canary), if any; `rollouts` as the API lists them. */
export function activeRolloutId(rollouts: readonly RolloutLike[], tier: Tier): string | undefined {
  return rollouts.find((r) => r.tier === tier && (r.state === 'shadow' || r.state === 'canary'))?.id;
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
  const send = async (method: Call['method'], path: string, body?: unknown): Promise<{ ok: boolean; out: unknown } | undefined> => {
    let res: Response;
    try {
      res = await fetch(base + path, { method, headers: method === 'POST' ? headers : {}, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (e) {
      console.error(`cannot reach Helios at ${base}: ${(e as Error).message}`);
      return undefined;
    }
    const text = await res.text();
    try {
      return { ok: res.ok, out: JSON.parse(text) as unknown };
    } catch {
      return { ok: res.ok, out: text };
    }
  };
  let path = call.path;
  if (call.activeRolloutOf !== undefined) {
    const list = await send('GET', '/api/modularity/rollouts');
    if (list === undefined) return 3;
    const id = list.ok ? activeRolloutId(list.out as RolloutLike[], call.activeRolloutOf) : undefined;
    if (id === undefined) {
      const message = list.ok ? `no rollout in progress on ${call.activeRolloutOf}` : 'cannot list the rollouts';
      console.error(JSON.stringify(list.ok ? { error: { code: 'HELIOS_E_ROLLOUT_CONFLICT', message } } : list.out, null, 2));
      return 1;
    }
    path = path.replace(ROLLOUT, encodeURIComponent(id));
  }
  const r = await send(call.method, path, call.body);
  if (r === undefined) return 3;
  const out = r.ok && call.view !== undefined ? call.view(r.out) : r.out;
  const pretty = typeof out === 'string' ? out : JSON.stringify(out, null, 2);
  if (r.ok) console.log(pretty);
  else console.error(pretty);
  return r.ok ? 0 : 1;
}

if (import.meta.main) process.exit(await main());
