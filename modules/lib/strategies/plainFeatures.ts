/**
 * The features of one timeframe with the `<tf>.` prefix removed, so rules and
 * models read `bbPctB` whatever bar closed. Called once per feature vector,
 * i.e. per candle close, never per market event.
 */
export function plainFeatures(features: Readonly<Record<string, number>>, tf: string): Record<string, number> {
  const prefix = `${tf}.`;
  const out: Record<string, number> = {};
  for (const key in features) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = features[key]!;
  return out;
}
