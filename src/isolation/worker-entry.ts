/**
 * The kernel's side of a module worker. It owns the message loop; module code
 * only ever runs inside handle/snapshot/restore/dispose calls made from here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Cloneable, ModuleInstance } from '../contracts/module.ts';
import { HeliosError, wrapError } from '../errors/HeliosError.ts';
import { decodeBatch, encodeBatch, transferables } from './BatchCodec.ts';
import { checkInstance, loadFactory } from './loadFactory.ts';
import { createModuleContext } from './moduleContext.ts';
import type { FromWorker, ToWorker, WireError, WorkerBoot } from './protocol.ts';

const port = parentPort!;
const boot = workerData as WorkerBoot;
const send = (m: FromWorker): void => port.postMessage(m);

let nextEffectId = 1;
const pendingEffects = new Map<number, { resolve: (v: Cloneable) => void; reject: (e: Error) => void }>();

const { ctx, scope } = createModuleContext(boot.manifest, {
  log: (level, msg, data) => send(data === undefined ? { t: 'log', level, msg } : { t: 'log', level, msg, data }),
  effect: (name, payload, live) =>
    new Promise<Cloneable>((resolve, reject) => {
      const id = nextEffectId++;
      pendingEffects.set(id, { resolve, reject });
      send({ t: 'effect', id, name, payload, live });
    }),
});

function toWire(e: unknown): WireError {
  const h = wrapError(e, 'HELIOS_E_MODULE_THREW', `${boot.manifest.name}@${boot.manifest.version}`);
  return h.toJSON();
}

let instance: ModuleInstance | undefined;

async function restore(inst: ModuleInstance, state: Cloneable, from: number): Promise<null> {
  try {
    await inst.restore(state, from);
  } catch (e) {
    throw wrapError(e, 'HELIOS_E_STATE_MIGRATION', `restore from state version ${from}`);
  }
  return null;
}

/** Returns a value or a promise: synchronous module code stays synchronous. */
function run(msg: Extract<ToWorker, { t: 'call' }>): unknown {
  const inst = instance;
  if (inst === undefined) throw new HeliosError('HELIOS_E_SANDBOX_CLOSED', 'module is not ready');
  switch (msg.op) {
    case 'handle': {
      const items = 'batch' in msg ? decodeBatch(msg.batch) : msg.items;
      return scope.run({ now: msg.now, live: msg.live }, () => inst.handle(items as never));
    }
    case 'snapshot':
      return inst.snapshot();
    case 'restore':
      return restore(inst, msg.state, msg.fromStateVersion);
    case 'dispose':
      return Promise.resolve(inst.dispose()).then(() => null);
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/** Answers in the compact form when it is lossless, reusing the buffer the input came in. */
function postResult(id: number, value: unknown, scratch: ArrayBuffer | undefined): void {
  try {
    const batch = encodeBatch(value, scratch);
    if (batch === undefined) send({ t: 'result', id, ok: true, value });
    else port.postMessage({ t: 'result', id, ok: true, batch } satisfies FromWorker, transferables(batch));
  } catch (e) {
    // Functions, symbols and the like cannot be cloned: that is a contract
    // violation by the module, reported as such rather than as a crash.
    send({ t: 'result', id, ok: false, error: new HeliosError('HELIOS_E_OUTPUT_INVALID', `output is not cloneable: ${(e as Error).message}`).toJSON() });
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.t === 'effectResult') {
    const p = pendingEffects.get(msg.id);
    if (p === undefined) return;
    pendingEffects.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(HeliosError.fromJSON(msg.error));
    return;
  }
  // A synchronous handler's result is posted in the same turn, so a CPU-bound
  // module pays no extra microtask hop per batch.
  let out: unknown;
  try {
    out = run(msg);
  } catch (e) {
    send({ t: 'result', id: msg.id, ok: false, error: toWire(e) });
    return;
  }
  const scratch = 'batch' in msg && msg.batch.codec === 1 ? msg.batch.nums.buffer : undefined;
  if (!isThenable(out)) {
    postResult(msg.id, out, scratch);
    return;
  }
  out.then(
    (value) => postResult(msg.id, value, scratch),
    (e: unknown) => send({ t: 'result', id: msg.id, ok: false, error: toWire(e) }),
  );
});

try {
  const factory = await loadFactory(boot.moduleUrl);
  instance = await factory(ctx);
  checkInstance(instance, boot.moduleUrl);
  send({ t: 'ready' });
} catch (e) {
  send({ t: 'bootError', error: wrapError(e, 'HELIOS_E_MODULE_LOAD_FAILED', boot.moduleUrl).toJSON() });
}
