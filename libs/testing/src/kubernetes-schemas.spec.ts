import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { renderKustomization } from './kubernetes-objects';

const KUBERNETES = join(__dirname, '../../../deploy/kubernetes');

/** The kinds the manifests may hold, each with the class generated from the Kubernetes (or Prometheus Operator) OpenAPI schema. */
const SCHEMAS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
};

function renderedObjects(
  overlay: string,
): { apiVersion: string; kind: string; metadata: { name: string } }[] {
  const rendered = renderKustomization(join(KUBERNETES, 'overlays', overlay));
  return parseAllDocuments(rendered).map(
    (document) => document.toJSON() as { apiVersion: string; kind: string; metadata: { name: string } },
  );
}

function schemaErrorOf(object: { apiVersion: string; kind: string }): string | null {
  const Schema = SCHEMAS[`${object.apiVersion}/${object.kind}`];
  if (!Schema) return `no schema for ${object.apiVersion} ${object.kind}`;
  try {
    new Schema(object as never).validate();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe.each(['demo', 'production'])(
  'deploy/kubernetes/overlays/%s against the Kubernetes schemas',
  (overlay) => {
    it('renders only objects that the official OpenAPI schemas of their kind accept', () => {
      const objects = renderedObjects(overlay);
      const failures = objects
        .map((object) => [`${object.kind}/${object.metadata.name}`, schemaErrorOf(object)] as const)
        .filter(([, error]) => error !== null);

      expect(objects.length).toBeGreaterThan(30);
      expect(failures).toEqual([]);
    });
  },
);

describe('the schema check', () => {
  it('refuses a Deployment whose container port is not a number', () => {
    const [deployment] = renderedObjects('demo').filter(
      (object) => object.kind === 'Deployment',
    ) as unknown as {
      apiVersion: string;
      kind: string;
      spec: { template: { spec: { containers: { ports?: { containerPort: unknown }[] }[] } } };
    }[];
    deployment.spec.template.spec.containers[0].ports = [{ containerPort: 'http' }];

    expect(schemaErrorOf(deployment)).toMatch(/containerPort/);
  });
});
