import type { CSSProperties } from 'react';

/**
 * Long text that must be read whole (file paths, annotation names, reasons
 * from devices): it wraps, even inside a word, instead of being cut off or
 * widening its card.
 */
export const WRAP_TEXT: CSSProperties = {
  whiteSpace: 'pre-wrap',
  overflowWrap: 'anywhere',
  wordBreak: 'break-word',
};
