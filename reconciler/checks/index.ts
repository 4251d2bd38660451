// The checks a command can load without the rest of the reconciler (`validate` runs them).
export { transformOutputDiagnostics } from './transform-outputs.js';
