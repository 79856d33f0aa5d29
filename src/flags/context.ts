/**
 * The evaluation context: who or what a flag is being evaluated for. Same shape as
 * unleash-client's `Context`, so a context built for one evaluates identically in the other.
 */

/** Free-form context fields, looked up when a top-level field of that name is absent. */
export interface FlagProperties {
  [key: string]: string | number | undefined;
}

/**
 * Evaluation context. Any top-level key can be used by a constraint or a stickiness setting;
 * `properties` is consulted only when the top-level key is absent (`undefined` or `null`).
 */
export interface FlagContext {
  [key: string]: string | number | Date | undefined | FlagProperties;
  userId?: string;
  sessionId?: string;
  remoteAddress?: string;
  environment?: string;
  appName?: string;
  /** The instant DATE_* constraints compare against; the injected clock when absent. */
  currentTime?: Date;
  properties?: FlagProperties;
}

/**
 * The string value of a context field, exactly as unleash-client's `resolveContextValue`:
 * top-level first (even inherited keys such as `toString`, because the client does a plain
 * property read), then `properties`, stringified; `undefined` when neither is set.
 */
export function resolveContextValue(context: FlagContext, field: string): string | undefined {
  const value = context[field] ?? context.properties?.[field];
  return value !== undefined && value !== null ? String(value) : undefined;
}

/**
 * `resolveContextValue` bound to one field. The standard sticky fields get a closure with a
 * fixed property name, which V8 inlines as a plain load instead of a generic keyed lookup.
 */
export function fieldReader(field: string): (context: FlagContext) => string | undefined {
  switch (field) {
    case 'userId':
      return (ctx) => {
        const v = ctx.userId ?? ctx.properties?.userId;
        return v !== undefined && v !== null ? String(v) : undefined;
      };
    case 'sessionId':
      return (ctx) => {
        const v = ctx.sessionId ?? ctx.properties?.sessionId;
        return v !== undefined && v !== null ? String(v) : undefined;
      };
    default:
      return (ctx) => resolveContextValue(ctx, field);
  }
}
