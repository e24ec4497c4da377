import { Inject, Injectable } from '@nestjs/common';
import { BusClient } from '@switchyard/bus';
import { IngressMetrics } from '@switchyard/telemetry';
import { type Deployment, type GatewayConfiguration, suggestNames } from '@switchyard/config';
import {
  type ChatCompletionRequest,
  type ClassifyDecision,
  GatewayError,
  Subjects,
} from '@switchyard/contracts';
import { GATEWAY_CONFIGURATION } from '../infrastructure/tokens';
import { DeploymentRotation } from './deployment-rotation';
import { type SessionOwner, SessionRoutes } from './session-routes';

const CLASSIFY_TIMEOUT_MS = 2000;

/** Where one request goes: the model behind the name the client called, and its deployments in order. */
export interface ResolvedModel {
  /** the name the client called (model, alias or router). */
  modelGroup: string;
  /** the model_name that will answer (a router's tier model). */
  modelName: string;
  deployments: Deployment[];
  decision: ClassifyDecision | null;
}

export interface ResolveContext {
  requestId: string;
  bodyBytes: number;
  sessionId: string | null;
  /** whose session it is (`sessionOwnerOf(caller)`): sessions never cross keys. */
  sessionOwner: SessionOwner;
}

/** Resolves a model name: a router through `classify.v1`, an alias to its target, a model to its deployments. */
@Injectable()
export class ResolveModel {
  private readonly rotation = new DeploymentRotation();

  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(IngressMetrics) private readonly metrics: IngressMetrics,
    @Inject(SessionRoutes) private readonly sessions: SessionRoutes,
  ) {}

  async execute(name: string, body: ChatCompletionRequest, context: ResolveContext): Promise<ResolvedModel> {
    const router = this.configuration.router(name);
    if (router) {
      const affinity = router.config.session_affinity === true && context.sessionId !== null;
      const session = affinity
        ? await this.sessions.lastRoute(context.sessionOwner, router.name, context.sessionId!)
        : null;
      const started = performance.now();
      const decision = await this.bus.request(
        Subjects.classify,
        { router: router.name, body, requestBytes: context.bodyBytes, session },
        { timeoutMs: CLASSIFY_TIMEOUT_MS, requestId: context.requestId },
      );
      if (affinity) this.sessions.remember(context.sessionOwner, context.sessionId!, decision);
      this.metrics.busRequestDuration.observe(
        { subject: Subjects.classify },
        (performance.now() - started) / 1000,
      );
      return {
        modelGroup: name,
        modelName: decision.model,
        deployments: this.deploymentsOf(decision.model),
        decision,
      };
    }
    return this.direct(name);
  }

  /** A model name (or alias) that is not a router. */
  direct(name: string): ResolvedModel {
    const canonical = this.configuration.canonicalName(name);
    const deployments = this.configuration.deploymentsFor(canonical);
    if (deployments.length === 0) throw this.unknownModel(name);
    return {
      modelGroup: name,
      modelName: canonical,
      deployments: this.rotation.order(canonical, deployments),
      decision: null,
    };
  }

  deploymentsOf(modelName: string): Deployment[] {
    return this.rotation.order(modelName, this.configuration.deploymentsFor(modelName));
  }

  unknownModel(name: string): GatewayError {
    const names = this.configuration.modelList().map((item) => item.name);
    const close = suggestNames(name, names);
    return GatewayError.notFound(
      `The model "${name}" does not exist on this gateway${close.length > 0 ? ` (did you mean ${close.map((item) => `"${item}"`).join(' or ')}?)` : ''}; GET /v1/models lists the available models.`,
      'model',
    );
  }
}
