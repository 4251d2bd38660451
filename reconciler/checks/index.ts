// The checks a command can load without the rest of the reconciler (`validate` runs them).
export { sourceFileDiagnostics } from './source-files.js';
export { transformOutputDiagnostics } from './transform-outputs.js';
