// Where `npm run engines:install` put the engines. A missing engine is an error that says
// what to run — never a silent skip.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Engines {
  cache: string;
  javaHome: string;
  trinoHome: string;
  dbt: string;
  sparkJavaHome: string;
  sparkSubmit: string;
  sparkPython: string;
  sparkJars: string[];
  etcd: string;
  kubeApiserver: string;
  versions: Record<string, string>;
}

export function engines(): Engines {
  const cache = process.env.LAKESPEC_ENGINES_DIR ?? join(homedir(), '.cache', 'lakespec');
  const file = join(cache, 'engines.json');
  if (!existsSync(file)) throw new Error(`the real engines are not installed (${file} is missing): run \`npm run engines:install\``);
  const e = JSON.parse(readFileSync(file, 'utf8')) as Engines;
  for (const [what, path] of [
    ['Java', join(e.javaHome, 'bin', 'java')],
    ['Trino', join(e.trinoHome, 'bin', 'launcher')],
    ['dbt', e.dbt],
    ['Java for Spark', join(e.sparkJavaHome ?? '/nonexistent', 'bin', 'java')],
    ['pyspark (spark-submit)', e.sparkSubmit ?? '/nonexistent'],
    ...(e.sparkJars ?? ['/nonexistent/iceberg-spark-runtime.jar']).map((j) => ['a Spark jar', j] as const),
    ['etcd', e.etcd ?? '/nonexistent/etcd'],
    ['kube-apiserver', e.kubeApiserver ?? '/nonexistent/kube-apiserver'],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${what} is missing at ${path}: run \`npm run engines:install\``);
  }
  return e;
}
