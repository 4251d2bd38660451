// The Spark executor's Kubernetes mode: creates the compiled SparkApplication (with the
// ConfigMap that holds its job.py) through the Kubernetes API and follows its status until
// the spark-operator reports COMPLETED or FAILED.
//
// One SparkApplication per run and pipeline, named after both: a phase claimed again after
// its worker died finds the application its predecessor created and follows it instead of
// submitting the job a second time (the side effect happens once). A failed application is
// deleted and submitted again only when the queue retries the phase. Cancellation, a lost
// lease and the phase timeout delete the application, which stops the driver.
// Types only: the client library costs a second and 70 MB to load, so it is loaded when a
// Spark phase first runs, not by every command that imports the reconciler.
import type { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { stringify as toYaml } from 'yaml';
import { ExecutionError, type Executor, type PhaseContext } from '../runs/executor.js';
import { type SparkApplicationManifest, type SparkJobInput, withConfOverrides } from './spark-local-executor.js';

const GROUP = 'sparkoperator.k8s.io';
const VERSION = 'v1beta2';
const PLURAL = 'sparkapplications';
/** States after which the operator does nothing more with the application. */
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'SUBMISSION_FAILED']);

export interface SparkKubernetesOptions {
  /** A kubeconfig; default: $KUBECONFIG, ~/.kube/config or the in-cluster service account. */
  kubeConfig?: KubeConfig;
  /** Namespace for every application (default: the compiled manifest's, else "default"). */
  namespace?: string;
  /** How often the status is read, in ms (default 2000). */
  pollMs?: number;
  /** Conf set on top of the application's (a string) or removed from it (null). */
  confOverrides?: Record<string, string | null>;
}

interface SparkApplicationStatus {
  applicationState?: { state?: string; errorMessage?: string };
  driverInfo?: { podName?: string; webUIAddress?: string };
  executionAttempts?: number;
  submissionAttempts?: number;
  terminationTime?: string;
}

interface SparkApplicationObject extends SparkApplicationManifest {
  metadata: SparkApplicationManifest['metadata'] & { uid?: string; deletionTimestamp?: string };
  status?: SparkApplicationStatus;
}

export class SparkKubernetesExecutor implements Executor {
  readonly id = 'spark';
  private apis?: Promise<{ custom: CustomObjectsApi; core: CoreV1Api }>;

  constructor(private readonly o: SparkKubernetesOptions = {}) {}

  private clients(): Promise<{ custom: CustomObjectsApi; core: CoreV1Api }> {
    return (this.apis ??= (async () => {
      const k8s = await import('@kubernetes/client-node');
      const kc = this.o.kubeConfig ?? defaultKubeConfig(new k8s.KubeConfig());
      return { custom: kc.makeApiClient(k8s.CustomObjectsApi), core: kc.makeApiClient(k8s.CoreV1Api) };
    })());
  }

  async execute(raw: unknown, ctx: PhaseContext): Promise<Record<string, unknown>> {
    const input = raw as SparkJobInput;
    if (!input || input.kind !== 'spark-job' || typeof input.job !== 'string' || !input.application) throw new ExecutionError('phase input is not a spark-job with its SparkApplication', true);
    const { app, configMap } = this.manifestsFor(input, ctx);
    const namespace = app.metadata.namespace!;
    const name = app.metadata.name;
    await ctx.artifact(`${input.pipeline}.sparkapplication.yaml`, 'spark-application', toYaml(app), 'application/yaml');

    let current = await this.get(namespace, name);
    if (current && isFailed(current)) {
      // A retry of this phase: the previous submission failed for good. Start over.
      await ctx.progress(`SparkApplication ${namespace}/${name} failed before (${stateOf(current)}); deleting it to submit again`);
      await this.deleteAndWait(namespace, name, ctx.signal);
      current = undefined;
    }
    if (current) {
      await ctx.progress(`SparkApplication ${namespace}/${name} exists (${stateOf(current) || 'not yet picked up'}); following it`);
    } else {
      await ctx.fence(); // submit only while this worker still holds the lease
      await this.upsertConfigMap(configMap);
      current = await this.create(app);
      await ctx.progress(`SparkApplication ${namespace}/${name} created`, { namespace, name, uid: current.metadata.uid });
      // Tie the ConfigMap's lifetime to the application: deleting the application removes both.
      await this.own(configMap, current).catch(() => undefined);
    }

    const final = await this.follow(namespace, name, ctx);
    const status = final.status ?? {};
    await ctx.artifact(`${input.pipeline}.status.json`, 'spark-status', JSON.stringify(status, null, 2), 'application/json');
    const out = {
      application: name,
      namespace,
      state: stateOf(final),
      driverPod: status.driverInfo?.podName ?? null,
      submissionAttempts: status.submissionAttempts ?? null,
      executionAttempts: status.executionAttempts ?? null,
      steps: input.lineage ? input.lineage.outputs.map((x) => x.name.split('.').pop()) : [],
    };
    await this.keepDriverLog(input.pipeline, namespace, status.driverInfo?.podName, ctx);
    if (stateOf(final) !== 'COMPLETED') {
      const why = status.applicationState?.errorMessage?.trim() || 'no error message from the operator';
      // The queue retries it if the pipeline allows retries; a submission the operator refused is as final as a failed job.
      throw new ExecutionError(`SparkApplication ${namespace}/${name} ${stateOf(final)}: ${why.split('\n').slice(-5).join(' | ')}`, false, out);
    }
    return out;
  }

  /** The compiled SparkApplication and ConfigMap, renamed for this run and labelled with it. */
  private manifestsFor(input: SparkJobInput, ctx: PhaseContext): { app: SparkApplicationObject; configMap: ConfigMapObject } {
    const compiled = structuredClone(input.application!) as SparkApplicationObject;
    const namespace = this.o.namespace ?? compiled.metadata.namespace ?? 'default';
    // The driver pod is "<name>-driver" and its service name is derived from it too: stay well under 63.
    const name = dnsName(`${compiled.metadata.name}-${ctx.claim.runId.replace(/-/g, '').slice(0, 10)}`, 52);
    const runLabels = { 'lakespec.dev/run-id': ctx.claim.runId, 'lakespec.dev/phase': dnsLabel(ctx.claim.phase) };
    const cmName = `${name}-job`;
    const compiledCm = (input.configMap?.metadata as { name?: string } | undefined)?.name;
    const spec = compiled.spec as { sparkConf?: Record<string, string>; driver?: { configMaps?: { name: string; path: string }[] } };
    spec.sparkConf = withConfOverrides(spec.sparkConf ?? {}, this.o.confOverrides);
    const mounts = spec.driver?.configMaps ?? [];
    for (const m of mounts) if (m.name === compiledCm || mounts.length === 1) m.name = cmName;
    const app: SparkApplicationObject = {
      ...compiled,
      metadata: { ...compiled.metadata, name, namespace, labels: { ...(compiled.metadata.labels ?? {}), ...runLabels } },
    };
    const configMap: ConfigMapObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: cmName, namespace, labels: { ...(compiled.metadata.labels ?? {}), ...runLabels } },
      data: { 'job.py': input.job },
    };
    return { app, configMap };
  }

  private async get(namespace: string, name: string): Promise<SparkApplicationObject | undefined> {
    try {
      return (await (await this.clients()).custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name })) as SparkApplicationObject;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw apiError(e, `reading SparkApplication ${namespace}/${name}`);
    }
  }

  private async create(app: SparkApplicationObject): Promise<SparkApplicationObject> {
    try {
      return (await (await this.clients()).custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: app.metadata.namespace!, plural: PLURAL, body: app })) as SparkApplicationObject;
    } catch (e) {
      // Someone (a racing attempt) created it between our read and our create: follow theirs.
      if (statusOf(e) === 409) return (await this.get(app.metadata.namespace!, app.metadata.name))!;
      throw apiError(e, `creating SparkApplication ${app.metadata.namespace}/${app.metadata.name}`);
    }
  }

  private async upsertConfigMap(cm: ConfigMapObject): Promise<void> {
    const { name, namespace } = cm.metadata;
    try {
      await (await this.clients()).core.createNamespacedConfigMap({ namespace, body: cm });
    } catch (e) {
      if (statusOf(e) !== 409) throw apiError(e, `creating ConfigMap ${namespace}/${name}`);
      try {
        await (await this.clients()).core.replaceNamespacedConfigMap({ name, namespace, body: cm });
      } catch (e2) {
        throw apiError(e2, `replacing ConfigMap ${namespace}/${name}`);
      }
    }
  }

  private async own(cm: ConfigMapObject, app: SparkApplicationObject): Promise<void> {
    if (!app.metadata.uid) return;
    const ownerReferences = [{ apiVersion: `${GROUP}/${VERSION}`, kind: 'SparkApplication', name: app.metadata.name, uid: app.metadata.uid }];
    await (await this.clients()).core.replaceNamespacedConfigMap({ name: cm.metadata.name, namespace: cm.metadata.namespace, body: { ...cm, metadata: { ...cm.metadata, ownerReferences } } });
  }

  /** Reads the status until the operator reports a terminal state; deletes the application if the phase is aborted. */
  private async follow(namespace: string, name: string, ctx: PhaseContext): Promise<SparkApplicationObject> {
    let last = '';
    for (;;) {
      if (ctx.signal.aborted) {
        await this.delete(namespace, name).catch(() => undefined);
        throw new ExecutionError(`SparkApplication ${namespace}/${name} deleted: the phase was stopped (${String(ctx.signal.reason ?? 'aborted')})`, false);
      }
      const app = await this.get(namespace, name);
      if (!app) throw new ExecutionError(`SparkApplication ${namespace}/${name} disappeared while running (deleted by someone else?)`, false);
      const state = stateOf(app);
      if (state !== last) {
        last = state;
        await ctx.progress(`SparkApplication ${namespace}/${name}: ${state || 'waiting for the operator'}`, { state, driverPod: app.status?.driverInfo?.podName ?? null });
      }
      if (TERMINAL.has(state)) return app;
      await sleepUnlessAborted(this.o.pollMs ?? 2000, ctx.signal);
    }
  }

  private async delete(namespace: string, name: string): Promise<void> {
    try {
      await (await this.clients()).custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name, propagationPolicy: 'Background' });
    } catch (e) {
      if (statusOf(e) !== 404) throw apiError(e, `deleting SparkApplication ${namespace}/${name}`);
    }
  }

  private async deleteAndWait(namespace: string, name: string, signal: AbortSignal): Promise<void> {
    await this.delete(namespace, name);
    for (let i = 0; i < 300 && (await this.get(namespace, name)); i++) await sleepUnlessAborted(Math.min(this.o.pollMs ?? 2000, 1000), signal);
  }

  /** The driver's log holds the job's JSON events; kept when the pod is still there to read. */
  private async keepDriverLog(pipeline: string, namespace: string, pod: string | undefined, ctx: PhaseContext): Promise<void> {
    if (!pod) return;
    try {
      const log = await (await this.clients()).core.readNamespacedPodLog({ name: pod, namespace, tailLines: 5000 });
      if (typeof log === 'string' && log.length > 0) await ctx.artifact(`${pipeline}.driver.log`, 'log', log, 'text/plain');
    } catch {
      // Pods are garbage-collected and some clusters forbid reading logs: the status is enough.
    }
  }
}

interface ConfigMapObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string }[] };
  data: Record<string, string>;
}

function defaultKubeConfig(kc: KubeConfig): KubeConfig {
  kc.loadFromDefault();
  return kc;
}

function stateOf(app: SparkApplicationObject): string {
  return app.status?.applicationState?.state ?? '';
}

function isFailed(app: SparkApplicationObject): boolean {
  const s = stateOf(app);
  return s === 'FAILED' || s === 'SUBMISSION_FAILED';
}

/** The HTTP status of the client's ApiException (known by its shape: the class is loaded lazily). */
function statusOf(e: unknown): number | undefined {
  const x = e as { code?: unknown; body?: unknown } | undefined;
  return x && typeof x.code === 'number' && 'body' in x ? x.code : undefined;
}

/** An API failure as an ExecutionError: refused requests (4xx but 408/429) are final, the rest is retried. */
function apiError(e: unknown, what: string): ExecutionError {
  const code = statusOf(e);
  if (code === undefined) return new ExecutionError(`${what}: ${(e as Error).message ?? String(e)}`, false);
  let detail = '';
  try {
    const body = (e as { body?: unknown }).body;
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: string };
    detail = parsed?.message ?? '';
  } catch {
    detail = String((e as { body?: unknown }).body ?? '');
  }
  const terminal = code >= 400 && code < 500 && code !== 408 && code !== 429;
  return new ExecutionError(`${what}: the Kubernetes API answered ${code}${detail ? `: ${detail}` : ''}`, terminal);
}

/** Lower-case DNS-1123 name of at most `max` characters. */
function dnsName(s: string, max: number): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, max).replace(/^-+|-+$/g, '');
}

function dnsLabel(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
