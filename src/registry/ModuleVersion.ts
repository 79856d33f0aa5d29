import type { Manifest } from '../contracts/manifest.ts';

/** A registered, immutable module version. */
export interface ModuleVersion {
  /** `name@version` */
  readonly key: string;
  readonly manifest: Manifest;
  readonly sha256: string;
  /** Folder inside the artifact store. */
  readonly path: string;
  /** file: URL of the entry, what a sandbox imports. */
  readonly moduleUrl: string;
  /** Where it was registered from, for operators; never read again. */
  readonly source: string;
  readonly registeredAt: number;
}
