import { PROVIDER_KINDS, type ProviderKind } from '@switchyard/providers/registry';

/** The wire formats the mock speaks: every one the gateway does (a new format needs its responder here). */
export const MockFormats = PROVIDER_KINDS;
export type MockFormat = ProviderKind;

const mistralModel = /^(mistral|open-mistral|codestral|ministral|magistral|pixtral|devstral)/;

/**
 * OpenAI and Mistral share the `/chat/completions` path on the mock's single base URL; a request
 * is answered in Mistral's flavour when its model id looks like a Mistral model.
 */
export function isMistralModel(model: string): boolean {
  return mistralModel.test(model);
}
