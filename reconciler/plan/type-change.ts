// Which column type changes keep every existing value: Iceberg's allowed promotions
// (int → long, float → double, decimal precision widening), as spec's isWidening() knows them.
import { type SqlType, isWidening, sameType } from '../../spec/index.js';

export type TypeChange = 'same' | 'widen' | 'narrow';

export function typeChange(from: SqlType, to: SqlType): TypeChange {
  if (sameType(from, to)) return 'same';
  // Anything that is not a promotion can lose or reinterpret values.
  return isWidening(from, to) ? 'widen' : 'narrow';
}
