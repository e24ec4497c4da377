import type { ClassifyDecision, ClassifyRequest, Tier } from '@switchyard/contracts';
import { CapacityCheck, type ContextWindowOf } from './capacity';
import { type ComplexitySettings, resolveComplexitySettings } from './complexity-settings';
import { ComplexityDecider } from './decide';
import { type LearnedModel, loadLearnedModel } from './learned/learned-model';
import { LearnedTierScorer } from './learned-tier-scorer';
import { type ModelPicker, SessionHashPicker } from './model-picker';
import type { ComplexityRouterConfig } from './router-config';
import { sessionAffinity } from './session-affinity';
import { tierRank } from './tier-order';

/**
 * What a router is built from: its name and its `complexity_router_config`. The gateway config's
 * `RouterDefinition` (libs/config) is one; this lib does not depend on the gateway config.
 */
export interface ComplexityRouterDefinition {
  name: string;
  config: ComplexityRouterConfig;
}

export interface ComplexityRouterOptions {
  /**
   * A model name's context window (max input tokens), null when unknown; read once per model at
   * construction. The gateway wires it to `model_info.max_input_tokens` or the bundled price data.
   */
  contextWindowOf: ContextWindowOf;
  /** chooses a model of a pool; default: a hash of the session id, else round-robin. */
  picker?: ModelPicker;
  /**
   * the learned classifier's weights; default: the file of the router's `learned_model_path`, else
   * the committed model (`loadLearnedModel()`).
   */
  learnedModel?: LearnedModel;
}

/**
 * One `auto_router/complexity_router` entry, compiled once from its definition (keyword sets,
 * regexes, windows): `decide` only reads. Steps, each visible in the decision: complexity (tier
 * from the ask, by LiteLLM's heuristic or, with `classifier_type: learned`, by the trained
 * model), session affinity, capacity (the request must fit the model's context window).
 */
export class ComplexityRouter {
  readonly name: string;
  readonly settings: ComplexitySettings;
  private readonly decider: ComplexityDecider;
  private readonly capacity: CapacityCheck;
  private readonly picker: ModelPicker;

  constructor(definition: ComplexityRouterDefinition, options: ComplexityRouterOptions) {
    this.name = definition.name;
    this.settings = resolveComplexitySettings(definition.name, definition.config);
    this.decider =
      this.settings.classifierType === 'learned'
        ? new ComplexityDecider(
            this.settings,
            new LearnedTierScorer(
              this.settings,
              options.learnedModel ??
                (this.settings.learnedModelPath === null
                  ? undefined
                  : loadLearnedModel(this.settings.learnedModelPath)),
            ),
          )
        : new ComplexityDecider(this.settings);
    this.picker = options.picker ?? new SessionHashPicker();
    this.capacity = new CapacityCheck(this.settings, options.contextWindowOf, this.picker);
  }

  /** Throws a `GatewayError`: 400 without messages or when no model's window fits, 500 when a tier has nowhere to go. */
  async decide(request: ClassifyRequest): Promise<ClassifyDecision> {
    const body = request.body;
    const outcome = this.decider.decide(body.messages);
    const sessionId = request.session?.id ? request.session.id : null;
    const complexityModel = this.pick(outcome.models, outcome.tier, sessionId);

    let tier: Tier | null = outcome.tier;
    let model = complexityModel;
    let cause = outcome.cause;
    let pool = outcome.models;
    let floorRank = tierRank(outcome.tier ?? outcome.decidedTier);
    const notes = outcome.notes;

    // Only scored asks take part: housekeeping and no-ask requests keep their own destination.
    const affinity = sessionAffinity(
      this.settings,
      request.session,
      outcome.score === null ? null : outcome.decidedTier,
    );
    if (affinity !== null) {
      tier = affinity.tier;
      model = affinity.model;
      pool = affinity.pool;
      cause = 'session_affinity';
      floorRank = tierRank(affinity.tier);
      notes.push(affinity.note);
    }

    const capacity = await this.capacity.check(
      { tier, model, pool, floorRank },
      { body, requestBytes: request.requestBytes, sessionId },
    );
    if (capacity.moved !== null) {
      tier = capacity.moved.tier;
      model = capacity.moved.model;
      cause = 'context_window';
      notes.push(capacity.moved.note);
    }

    return {
      router: this.name,
      tier,
      model,
      score: outcome.score,
      cause,
      dimensions: outcome.dimensions,
      complexity: { tier: outcome.tier, cause: outcome.cause, model: complexityModel },
      requestTokens: capacity.requestTokens,
      notes,
    };
  }

  private pick(models: readonly string[], tier: Tier | null, sessionId: string | null): string {
    return models.length === 1 ? models[0] : this.picker.pick(models, { router: this.name, tier, sessionId });
  }
}
