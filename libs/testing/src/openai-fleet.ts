import OpenAI from 'openai';
import { TEST_MASTER_KEY, TestFleet, type TestFleetOptions } from './test-fleet';

/** The official OpenAI client on a test fleet's ingress: the master key, no retries (a test sees the first answer). */
export function openAIClientOf(fleet: TestFleet): OpenAI {
  return new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${fleet.baseUrl}/v1`, maxRetries: 0 });
}

/** A started fleet (the demo config unless `options` say otherwise) and the OpenAI client on it. */
export async function startFleetWithOpenAI(
  options: TestFleetOptions = {},
): Promise<{ fleet: TestFleet; client: OpenAI }> {
  const fleet = await TestFleet.start(options);
  return { fleet, client: openAIClientOf(fleet) };
}
