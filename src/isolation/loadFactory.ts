import type { ModuleFactory } from '../contracts/module.ts';
import { HeliosError, wrapError } from '../errors/HeliosError.ts';

/** Imports a module entry and finds its factory: `export function create` or a default export. */
export async function loadFactory(moduleUrl: string): Promise<ModuleFactory> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(moduleUrl)) as Record<string, unknown>;
  } catch (e) {
    throw wrapError(e, 'HELIOS_E_MODULE_LOAD_FAILED', `cannot import ${moduleUrl}`);
  }
  const factory = mod.create ?? mod.default;
  if (typeof factory !== 'function') {
    throw new HeliosError('HELIOS_E_MODULE_LOAD_FAILED', `${moduleUrl} exports no create(ctx) factory`);
  }
  return factory as ModuleFactory;
}

/** A module instance must have all four methods; checking once here keeps every call site simple. */
export function checkInstance(instance: unknown, moduleUrl: string): void {
  const i = instance as Record<string, unknown> | null;
  for (const m of ['handle', 'snapshot', 'restore', 'dispose']) {
    if (i === null || typeof i !== 'object' || typeof i[m] !== 'function') {
      throw new HeliosError('HELIOS_E_MODULE_LOAD_FAILED', `${moduleUrl}: create(ctx) must return { handle, snapshot, restore, dispose }; ${m} is missing`);
    }
  }
}
