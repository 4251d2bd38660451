// Plays the Kubeflow spark-operator's part against the real kube-apiserver of the tests:
// watches SparkApplications in a namespace (by listing), and for each new one moves its
// status the way the operator does (SUBMITTED → RUNNING → COMPLETED or FAILED, with the
// driver's pod name and an error message), running the driver with pyspark on this machine
// — the job from the ConfigMap the application mounts, with the application's sparkConf.
// The operator itself needs a cluster with nodes to start driver pods; this machine has
// none. Everything lakespec does (create, read status, delete) goes to the real API.
import { ApiException, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { SparkApplicationManifest } from '../../reconciler/index.js';

/** Runs a driver: the application, its job.py, the driver's environment (secrets resolved) and a stop signal. */
export type DriverRunner = (app: SparkApplicationManifest, job: string, env: Record<string, string>, signal: AbortSignal) => Promise<{ ok: boolean; message?: string }>;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

interface AppObject extends SparkApplicationManifest {
  metadata: SparkApplicationManifest['metadata'] & { uid: string; resourceVersion: string };
  status?: { applicationState?: { state: string; errorMessage?: string } } & Record<string, unknown>;
}

const G = { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications' };

export class SparkOperatorStandIn {
  /** Names of the applications whose driver was started, in order: the side effects. */
  readonly submissions: string[] = [];
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly running = new Map<string, AbortController>(); // uid → driver
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private stopped = false;
  private readonly reported = new Set<string>();

  constructor(
    kc: KubeConfig,
    private readonly namespace: string,
    private readonly runDriver: DriverRunner,
    private readonly pollMs = 200,
  ) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.pollMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const c of this.running.values()) c.abort('stand-in stopped');
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      const list = (await this.custom.listNamespacedCustomObject({ ...G, namespace: this.namespace })) as { items: AppObject[] };
      const live = new Set(list.items.map((a) => a.metadata.uid));
      // An application deleted while its driver runs: the operator kills the driver.
      for (const [uid, c] of this.running) if (!live.has(uid)) c.abort('application deleted');
      for (const app of list.items) if (!app.status?.applicationState?.state && !this.running.has(app.metadata.uid)) await this.submit(app);
    } catch (e) {
      // The API briefly unavailable is retried on the next tick; anything else is a bug here, said once.
      const why = e instanceof ApiException ? `${e.code}: ${String(e.body).slice(0, 500)}` : (e as Error).message;
      if (!/ECONNREFUSED|ECONNRESET|socket hang up/.test(why) && !this.reported.has(why)) {
        this.reported.add(why);
        console.error(`spark-operator stand-in: ${why}`);
      }
    } finally {
      this.busy = false;
    }
  }

  private async submit(app: AppObject): Promise<void> {
    const name = app.metadata.name;
    const mount = (app.spec as { driver?: { configMaps?: { name: string }[] } }).driver?.configMaps?.[0]?.name;
    let job: string | undefined;
    try {
      if (mount) job = (await this.core.readNamespacedConfigMap({ name: mount, namespace: this.namespace })).data?.['job.py'];
    } catch {
      job = undefined;
    }
    if (!job) {
      await this.setStatus(name, { applicationState: { state: 'SUBMISSION_FAILED', errorMessage: `ConfigMap ${mount ?? '(none mounted)'} with job.py not found` }, driverInfo: {}, submissionAttempts: 1 });
      return;
    }
    // The driver pod's environment: secretKeyRefs read from the Secrets, as the kubelet does.
    const env: Record<string, string> = {};
    for (const v of ((app.spec as { driver?: { env?: EnvVar[] } }).driver?.env ?? [])) {
      const ref = v.valueFrom?.secretKeyRef;
      if (!ref) {
        env[v.name] = v.value ?? '';
        continue;
      }
      let value: string | undefined;
      try {
        const data = (await this.core.readNamespacedSecret({ name: ref.name, namespace: this.namespace })).data ?? {};
        value = data[ref.key] === undefined ? undefined : Buffer.from(data[ref.key]!, 'base64').toString('utf8');
      } catch {
        value = undefined;
      }
      if (value === undefined) {
        await this.setStatus(name, { applicationState: { state: 'SUBMISSION_FAILED', errorMessage: `driver pod: secret "${ref.name}" (key ${ref.key}) not found` }, driverInfo: {}, submissionAttempts: 1 });
        return;
      }
      env[v.name] = value;
    }
    const controller = new AbortController();
    this.running.set(app.metadata.uid, controller);
    this.submissions.push(name);
    const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const driverPod = `${name}-driver`;
    await this.setStatus(name, { applicationState: { state: 'SUBMITTED' }, submissionAttempts: 1, lastSubmissionAttemptTime: now(), driverInfo: { podName: driverPod }, sparkApplicationId: `spark-${app.metadata.uid.slice(0, 8)}` });
    await this.setStatus(name, { applicationState: { state: 'RUNNING' }, submissionAttempts: 1, executionAttempts: 1, lastSubmissionAttemptTime: now(), driverInfo: { podName: driverPod }, sparkApplicationId: `spark-${app.metadata.uid.slice(0, 8)}` });
    void this.runDriver(app, job, env, controller.signal)
      .catch((e: Error) => ({ ok: false, message: e.message }))
      .then(async (r) => {
        this.running.delete(app.metadata.uid);
        if (controller.signal.aborted) return; // deleted: nothing to report on
        await this.setStatus(name, {
          applicationState: r.ok ? { state: 'COMPLETED' } : { state: 'FAILED', errorMessage: r.message ?? 'driver failed' },
          submissionAttempts: 1,
          executionAttempts: 1,
          driverInfo: { podName: driverPod },
          terminationTime: now(),
        });
      });
  }

  /** Writes the status subresource (re-reading on a conflict, as a controller does). */
  private async setStatus(name: string, status: Record<string, unknown>): Promise<void> {
    for (let i = 0; i < 10; i++) {
      try {
        const cur = (await this.custom.getNamespacedCustomObject({ ...G, namespace: this.namespace, name })) as AppObject;
        await this.custom.replaceNamespacedCustomObjectStatus({ ...G, namespace: this.namespace, name, body: { ...cur, status } });
        return;
      } catch (e) {
        if (e instanceof ApiException && e.code === 404) return;
        if (!(e instanceof ApiException && e.code === 409)) throw e;
      }
    }
  }
}
