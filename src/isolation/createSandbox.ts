import { InlineSandbox } from './InlineSandbox.ts';
import type { Sandbox, SandboxOptions } from './Sandbox.ts';
import { WorkerSandbox } from './WorkerSandbox.ts';

/** The manifest decides isolation; worker is the default because only it gives memory back. */
export function createSandbox(opts: SandboxOptions): Sandbox {
  return opts.manifest.isolation === 'inline' ? new InlineSandbox(opts) : new WorkerSandbox(opts);
}
