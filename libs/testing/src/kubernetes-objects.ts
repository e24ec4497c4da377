import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

/**
 * Schemas of the Kubernetes objects deploy/kubernetes renders, for the fields it uses. Strict
 * where we write the object (a misspelt `readinesProbe` is an error, as the API server's schema
 * would make it), so a render that passes here has the shape the cluster expects. A stand-in for
 * the `kubernetes-models` packages, which are not installed.
 */
const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label');
const quantity = z.union([z.string().regex(/^\d+(\.\d+)?(m|k|Ki|Mi|Gi|Ti|M|G)?$/), z.number()]);
const labels = z.record(z.string(), z.string());
const metadata = z.strictObject({
  name,
  namespace: name.optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
});
const selector = z.strictObject({ matchLabels: labels });

const httpProbe = z.strictObject({
  httpGet: z.strictObject({ path: z.string().startsWith('/'), port: z.union([z.string(), z.number()]) }),
  initialDelaySeconds: z.number().int().nonnegative().optional(),
  periodSeconds: z.number().int().positive().optional(),
  timeoutSeconds: z.number().int().positive().optional(),
  failureThreshold: z.number().int().positive().optional(),
});
export type HttpProbe = z.infer<typeof httpProbe>;

const environmentVariable = z.union([
  z.strictObject({ name: z.string(), value: z.string() }),
  z.strictObject({
    name: z.string(),
    valueFrom: z.union([
      z.strictObject({
        secretKeyRef: z.strictObject({ name, key: z.string(), optional: z.boolean().optional() }),
      }),
      z.strictObject({ fieldRef: z.strictObject({ fieldPath: z.string() }) }),
    ]),
  }),
]);
export type EnvironmentVariable = z.infer<typeof environmentVariable>;

const container = z.strictObject({
  name,
  image: z.string(),
  args: z.array(z.string()).optional(),
  envFrom: z.array(z.strictObject({ configMapRef: z.strictObject({ name }) })).optional(),
  env: z.array(environmentVariable).optional(),
  ports: z.array(
    z.strictObject({
      name: z.string().max(15),
      containerPort: z.number().int().min(1).max(65535),
    }),
  ),
  startupProbe: httpProbe.optional(),
  readinessProbe: httpProbe.optional(),
  livenessProbe: httpProbe.optional(),
  lifecycle: z
    .strictObject({ preStop: z.strictObject({ exec: z.strictObject({ command: z.array(z.string()) }) }) })
    .optional(),
  resources: z
    .strictObject({
      requests: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
      limits: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
    })
    .optional(),
  securityContext: z
    .strictObject({
      allowPrivilegeEscalation: z.boolean(),
      readOnlyRootFilesystem: z.boolean(),
      capabilities: z.strictObject({ drop: z.array(z.string()) }),
    })
    .optional(),
  volumeMounts: z
    .array(z.strictObject({ name, mountPath: z.string().startsWith('/'), readOnly: z.boolean().optional() }))
    .optional(),
});
export type Container = z.infer<typeof container>;

const podSpec = z.strictObject({
  terminationGracePeriodSeconds: z.number().int().nonnegative().optional(),
  automountServiceAccountToken: z.boolean().optional(),
  securityContext: z
    .strictObject({
      runAsNonRoot: z.boolean(),
      runAsUser: z.number().int().positive(),
      runAsGroup: z.number().int().positive(),
      fsGroup: z.number().int().positive().optional(),
      seccompProfile: z.strictObject({ type: z.enum(['RuntimeDefault', 'Localhost', 'Unconfined']) }),
    })
    .optional(),
  topologySpreadConstraints: z
    .array(
      z.strictObject({
        maxSkew: z.number().int().positive(),
        topologyKey: z.string(),
        whenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']),
        labelSelector: selector,
      }),
    )
    .optional(),
  containers: z.array(container).min(1),
  volumes: z
    .array(
      z.union([
        z.strictObject({ name, configMap: z.strictObject({ name }) }),
        z.strictObject({ name, emptyDir: z.strictObject({ sizeLimit: quantity.optional() }) }),
      ]),
    )
    .optional(),
});
export type PodSpec = z.infer<typeof podSpec>;

const podTemplate = z.strictObject({ metadata: z.strictObject({ labels }), spec: podSpec });

export const Deployment = z.strictObject({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('Deployment'),
  metadata,
  spec: z.strictObject({
    replicas: z.number().int().nonnegative().optional(),
    selector,
    strategy: z
      .strictObject({
        rollingUpdate: z.strictObject({ maxSurge: z.number().int(), maxUnavailable: z.number().int() }),
      })
      .optional(),
    template: podTemplate,
  }),
});
export type Deployment = z.infer<typeof Deployment>;

export const StatefulSet = z.strictObject({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('StatefulSet'),
  metadata,
  spec: z.strictObject({
    serviceName: name,
    replicas: z.number().int().positive(),
    podManagementPolicy: z.enum(['OrderedReady', 'Parallel']).optional(),
    selector,
    template: podTemplate,
    volumeClaimTemplates: z.array(
      z.strictObject({
        metadata: z.strictObject({ name }),
        spec: z.strictObject({
          accessModes: z.array(
            z.enum(['ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOncePod']),
          ),
          resources: z.strictObject({ requests: z.strictObject({ storage: quantity }) }),
        }),
      }),
    ),
  }),
});
export type StatefulSet = z.infer<typeof StatefulSet>;

export const Service = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata,
  spec: z.strictObject({
    clusterIP: z.literal('None').optional(),
    publishNotReadyAddresses: z.boolean().optional(),
    selector: labels,
    ports: z.array(
      z.strictObject({
        name: z.string(),
        port: z.number().int(),
        targetPort: z.union([z.string(), z.number()]),
      }),
    ),
  }),
});
export type Service = z.infer<typeof Service>;

export const HorizontalPodAutoscaler = z
  .strictObject({
    apiVersion: z.literal('autoscaling/v2'),
    kind: z.literal('HorizontalPodAutoscaler'),
    metadata,
    spec: z.strictObject({
      scaleTargetRef: z.strictObject({
        apiVersion: z.literal('apps/v1'),
        kind: z.literal('Deployment'),
        name,
      }),
      minReplicas: z.number().int().positive(),
      maxReplicas: z.number().int().positive(),
      metrics: z
        .array(
          z.strictObject({
            type: z.literal('Resource'),
            resource: z.strictObject({
              name: z.enum(['cpu', 'memory']),
              target: z.strictObject({
                type: z.literal('Utilization'),
                averageUtilization: z.number().int(),
              }),
            }),
          }),
        )
        .min(1),
      behavior: z
        .strictObject({ scaleDown: z.strictObject({ stabilizationWindowSeconds: z.number().int() }) })
        .optional(),
    }),
  })
  .refine((hpa) => hpa.spec.maxReplicas >= hpa.spec.minReplicas, 'maxReplicas must be ≥ minReplicas');
export type HorizontalPodAutoscaler = z.infer<typeof HorizontalPodAutoscaler>;

export const PodDisruptionBudget = z
  .strictObject({
    apiVersion: z.literal('policy/v1'),
    kind: z.literal('PodDisruptionBudget'),
    metadata,
    spec: z.strictObject({
      minAvailable: z.union([z.number().int(), z.string()]).optional(),
      maxUnavailable: z.union([z.number().int(), z.string()]).optional(),
      selector,
    }),
  })
  .refine(
    (budget) => (budget.spec.minAvailable === undefined) !== (budget.spec.maxUnavailable === undefined),
    'exactly one of minAvailable and maxUnavailable',
  );
export type PodDisruptionBudget = z.infer<typeof PodDisruptionBudget>;

export const ConfigMap = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('ConfigMap'),
  metadata,
  data: z.record(z.string(), z.string()),
});
export type ConfigMap = z.infer<typeof ConfigMap>;

export const PodMonitor = z.strictObject({
  apiVersion: z.literal('monitoring.coreos.com/v1'),
  kind: z.literal('PodMonitor'),
  metadata,
  spec: z.strictObject({
    selector: z.union([
      selector,
      z.strictObject({
        matchExpressions: z.array(
          z.strictObject({ key: z.string(), operator: z.enum(['In', 'NotIn']), values: z.array(z.string()) }),
        ),
      }),
    ]),
    podMetricsEndpoints: z.array(
      z.strictObject({ port: z.string(), path: z.string().startsWith('/'), interval: z.string() }),
    ),
  }),
});
export type PodMonitor = z.infer<typeof PodMonitor>;

const schemasByKind = {
  Deployment,
  StatefulSet,
  Service,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  ConfigMap,
  PodMonitor,
} as const;

export interface RenderedObjects {
  Deployment: Deployment[];
  StatefulSet: StatefulSet[];
  Service: Service[];
  HorizontalPodAutoscaler: HorizontalPodAutoscaler[];
  PodDisruptionBudget: PodDisruptionBudget[];
  ConfigMap: ConfigMap[];
  PodMonitor: PodMonitor[];
}

export class ManifestRenderError extends Error {}

/**
 * `kubectl kustomize` of one directory. The load restrictor is off because the base generates its
 * ConfigMaps from config/ and deploy/grafana/, outside deploy/kubernetes (README there).
 */
export function renderKustomization(directory: string, kubectl = 'kubectl'): string {
  try {
    return execFileSync(kubectl, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', directory], {
      encoding: 'utf8',
      maxBuffer: 32 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new ManifestRenderError(
        'kubectl is not installed: the Kubernetes manifests (deploy/kubernetes) cannot be rendered. ' +
          'Install kubectl (it bundles kustomize), e.g. from https://kubernetes.io/docs/tasks/tools/.',
      );
    }
    throw new ManifestRenderError(
      `kubectl kustomize ${directory} failed: ${failure.stderr ?? failure.message}`,
    );
  }
}

/** Every object of a render, each validated against the schema of its kind; unknown kinds fail. */
export function parseRenderedObjects(rendered: string): RenderedObjects {
  const objects: RenderedObjects = {
    Deployment: [],
    StatefulSet: [],
    Service: [],
    HorizontalPodAutoscaler: [],
    PodDisruptionBudget: [],
    ConfigMap: [],
    PodMonitor: [],
  };
  const problems: string[] = [];
  for (const document of parseAllDocuments(rendered)) {
    const value = document.toJS() as { kind?: string; metadata?: { name?: string } } | null;
    if (value === null) continue;
    const kind = value.kind ?? '(no kind)';
    const label = `${kind}/${value.metadata?.name ?? '(no name)'}`;
    if (!(kind in schemasByKind)) {
      problems.push(`${label}: a kind these manifests do not use`);
      continue;
    }
    const parsed = schemasByKind[kind as keyof RenderedObjects].safeParse(value);
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.map((issue) => `${label}: ${issue.path.join('.')}: ${issue.message}`),
      );
      continue;
    }
    (objects[kind as keyof RenderedObjects] as unknown[]).push(parsed.data);
  }
  if (problems.length > 0) throw new ManifestRenderError(problems.join('\n'));
  return objects;
}

/** Whether a label selector matches a set of labels. */
export function selects(matchLabels: Record<string, string>, podLabels: Record<string, string>): boolean {
  return Object.entries(matchLabels).every(([key, value]) => podLabels[key] === value);
}
