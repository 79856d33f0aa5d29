/** Memory helpers: forced GC and RSS/heap readings in MiB. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFn: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** The `gc()` function: the global one under `--expose-gc`, otherwise obtained via V8 flags. */
function getGc(): () => void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  return gcFn;
}

/**
 * Full GC, `rounds` times, yielding to the event loop in between so finalizers and
 * weak callbacks run (one pass rarely returns everything).
 */
export async function forceGc(rounds = 3): Promise<void> {
  const gc = getGc();
  for (let i = 0; i < rounds; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

const MiB = 1024 * 1024;

/** Current RSS and heapUsed in MiB. */
export function memMb(): { rss: number; heap: number } {
  const m = process.memoryUsage();
  return { rss: m.rss / MiB, heap: m.heapUsed / MiB };
}
