/** Feature flags: Unleash feature JSON, evaluated exactly as unleash-client 6.12.1 does. */
export { BucketCache } from './BucketCache.ts';
export { resolveContextValue, type FlagContext, type FlagProperties } from './context.ts';
export type { EvalEnv } from './EvalEnv.ts';
export {
  OPERATORS,
  parseFeature,
  parseFeatures,
  type Constraint,
  type Dependency,
  type Feature,
  type FeatureSet,
  type FeatureStrategy,
  type FlagIssue,
  type Operator,
  type Segment,
  type VariantDefinition,
} from './FeatureSchema.ts';
export { FlagSnapshot, type Fallback, type FallbackVariant, type FlagSnapshotOptions } from './FlagSnapshot.ts';
export { FlagStore, type FlagChangeListener, type FlagStoreOptions } from './FlagStore.ts';
export { STRATEGY_NAMES } from './strategies.ts';
export type { VariantPayload, VariantResult } from './variants.ts';
export { FlagFiles, type FlagFilesOptions, type FlagFileRejection, type FlagFilesLogger } from './FlagFiles.ts';
