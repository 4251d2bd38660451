// Reads a spec folder for a command; shared by validate, compile and graph.
import { resolve } from 'node:path';
import { type Diagnostic, type SourceFile, readSpecFiles } from '../spec/index.js';

export interface LoadedProject {
  root: string;
  files: SourceFile[];
  readDiagnostics: Diagnostic[];
  sourceOf: (file: string) => string | undefined;
}

export function loadProject(cwd: string, dir: string | undefined): LoadedProject {
  const root = resolve(cwd, dir ?? '.');
  const { files, diagnostics } = readSpecFiles(root);
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  return { root, files, readDiagnostics: diagnostics, sourceOf: (f) => byPath.get(f) };
}
