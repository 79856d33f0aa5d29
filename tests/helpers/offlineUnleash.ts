import { once } from 'node:events';
import { InMemStorageProvider, Unleash } from 'unleash-client';

/**
 * The real unleash-client, bootstrapped with `features` and cut off from any
 * server (metrics off, no refresh, an unroutable URL): the reference Helios's
 * evaluator is compared with, in tests and in the flags benchmark.
 */
export async function offlineUnleash(features: unknown[], appName = 'helios-test'): Promise<Unleash> {
  const unleash = new Unleash({
    url: 'http://127.0.0.1:1/',
    appName,
    disableMetrics: true,
    refreshInterval: 0,
    bootstrap: { data: features as never },
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
  });
  unleash.on('error', () => {});
  unleash.on('warn', () => {});
  await once(unleash, 'ready');
  return unleash;
}
