/**
 * The routes of the Gemini surface: everything under `/v1beta/`, and Google's model methods under
 * `/v1/models/{model}:{method}` (`GET /v1/models` stays OpenAI's list). Here, not in `gemini/`,
 * because authentication (Google's `?key=`) and the global error filter read it too.
 */
export function isGeminiRoute(url: string): boolean {
  const path = url.split('?')[0];
  return path.startsWith('/v1beta/') || path === '/v1beta' || /^\/v1\/models\/[^/].*:[A-Za-z]*$/.test(path);
}
