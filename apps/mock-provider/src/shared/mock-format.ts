/** The wire formats the mock speaks. */
export const MockFormats = ['openai', 'anthropic', 'gemini', 'mistral'] as const;
export type MockFormat = (typeof MockFormats)[number];

const mistralModel = /^(mistral|open-mistral|codestral|ministral|magistral|pixtral|devstral)/;

/**
 * OpenAI and Mistral share the `/chat/completions` path on the mock's single base URL; a request
 * is answered in Mistral's flavour when its model id looks like a Mistral model.
 */
export function isMistralModel(model: string): boolean {
  return mistralModel.test(model);
}
