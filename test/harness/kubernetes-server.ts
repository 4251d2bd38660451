// A real Kubernetes API for tests: etcd and kube-apiserver (as installed by `npm run
// engines:install`) on free loopback ports, a static admin token, the spark-operator's
// SparkApplication CRD from shared/reference registered. Readiness is "a request succeeds
// and the CRD serves", not a log line. There are no nodes: nothing schedules pods, so
// whatever plays the operator's part runs the drivers itself. Logs go to files (never into
// a pipe this process could stop reading) and are printed when start-up fails.
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiextensionsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import type { Engines } from './engines.js';
import { freePort } from './free-port.js';
import { REFERENCE } from '../helpers/paths.js';

export interface KubernetesServer {
  readonly url: string;
  readonly token: string;
  /** A kubeconfig for @kubernetes/client-node (admin, TLS unverified: the serving cert is self-signed). */
  kubeConfig(): KubeConfig;
  /** The same as a kubeconfig file, for tools that read KUBECONFIG. */
  readonly kubeConfigFile: string;
  logs(): string;
  stop(): Promise<void>;
}

export async function startKubernetes(e: Engines, timeoutMs = 90_000): Promise<KubernetesServer> {
  if (!e.etcd || !e.kubeApiserver) throw new Error('etcd and the kube-apiserver are not installed: run `npm run engines:install`');
  const base = mkdtempSync(join(tmpdir(), 'lakespec-k8s-'));
  const [clientPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];
  const token = randomBytes(24).toString('hex');
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  writeFileSync(join(base, 'sa.pub'), publicKey);
  writeFileSync(join(base, 'sa.key'), privateKey);
  writeFileSync(join(base, 'tokens.csv'), `${token},lakespec-admin,lakespec-admin,"system:masters"\n`);
  const procs: ChildProcess[] = [];
  const exited = new Set<ChildProcess>();
  const start = (name: string, cmd: string, args: string[]) => {
    const fd = openSync(join(base, `${name}.log`), 'a');
    const p = spawn(cmd, args, { stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    p.on('exit', () => exited.add(p));
    procs.push(p);
    return p;
  };
  const logs = () => ['etcd', 'kube-apiserver'].map((n) => `--- ${n}\n${tail(join(base, `${n}.log`))}`).join('\n');
  const stop = async () => {
    for (const p of [...procs].reverse()) {
      if (exited.has(p) || !p.pid) continue;
      try {
        process.kill(-p.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const deadline = Date.now() + 10_000;
      while (!exited.has(p) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (!exited.has(p)) process.kill(-p.pid, 'SIGKILL');
    }
    rmSync(base, { recursive: true, force: true });
  };

  const etcdUrl = `http://127.0.0.1:${clientPort}`;
  start('etcd', e.etcd, ['--data-dir', join(base, 'etcd'), '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl, '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-cluster', `default=http://127.0.0.1:${peerPort}`]);
  const apiserver = start('kube-apiserver', e.kubeApiserver, [
    `--etcd-servers=${etcdUrl}`,
    `--cert-dir=${join(base, 'certs')}`,
    `--secure-port=${securePort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${join(base, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(base, 'sa.key')}`,
    `--token-auth-file=${join(base, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    // No controller-manager mints service-account tokens here.
    '--disable-admission-plugins=ServiceAccount',
  ]);

  const url = `https://127.0.0.1:${securePort}`;
  const kubeConfigYaml = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin', namespace: 'default' } }],
    'current-context': 'test',
  });
  const kubeConfigFile = join(base, 'kubeconfig');
  writeFileSync(kubeConfigFile, kubeConfigYaml);
  const kubeConfig = () => {
    const kc = new KubeConfig();
    kc.loadFromString(kubeConfigYaml);
    return kc;
  };

  const started = Date.now();
  const deadline = () => Date.now() - started > timeoutMs;
  const fail = async (why: string) => {
    const l = logs();
    await stop();
    return new Error(`${why}\n${l}`);
  };
  // Whatever fails from here on, nothing is left running (stop() may run twice: it is idempotent).
  try {
    // Ready: an authenticated request succeeds.
    const core = kubeConfig().makeApiClient(CoreV1Api);
    for (;;) {
      if (exited.has(apiserver)) throw await fail('kube-apiserver exited during start-up');
      const ok = await core.readNamespace({ name: 'default' }).then(
        () => true,
        () => false,
      );
      if (ok) break;
      if (deadline()) throw await fail(`kube-apiserver did not answer within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // The SparkApplication CRD, exactly as the reference ships it; established = served.
    const crd = parseYaml(readFileSync(join(REFERENCE, 'spark-operator', 'sparkapplications.sparkoperator.k8s.io.yaml'), 'utf8'));
    const ext = kubeConfig().makeApiClient(ApiextensionsV1Api);
    // Sent as raw JSON: the typed client's serializer drops keys it has no model field for
    // (x-kubernetes-int-or-string), and the API server then refuses the schema.
    const created = await rawRequest(url, token, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    if (created.status !== 201) throw await fail(`registering the SparkApplication CRD: ${created.status} ${created.body.slice(0, 2000)}`);
    for (;;) {
      const c = await ext.readCustomResourceDefinition({ name: 'sparkapplications.sparkoperator.k8s.io' });
      if (c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True')) break;
      if (deadline()) throw await fail('the SparkApplication CRD was not established');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, token, kubeConfig, kubeConfigFile, logs, stop };
}

function rawRequest(base: string, token: string, method: string, path: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = httpsRequest(
      `${base}${path}`,
      { method, rejectUnauthorized: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function tail(file: string, n = 40): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}
