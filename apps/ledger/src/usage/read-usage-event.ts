import Ajv2020 from 'ajv/dist/2020';
import { z } from 'zod';
import { UsageEvent } from '@switchyard/contracts';

/**
 * The ledger's check of one usage event. zod's `UsageEvent` stays the one definition and the one
 * source of error messages; what runs first is a validator compiled from it (its JSON Schema, by
 * zod itself, compiled by Ajv), which checks a well-formed event in a fraction of zod's time and
 * allocates nothing, where zod builds a copy of the event (about 7 KB of garbage per event, the
 * ledger's largest cost under load). Only an event the compiled check refuses goes through zod,
 * which then names the problem. The unit test holds the two to the same verdict, field by field.
 */
const compiledCheck = new Ajv2020({
  strict: false,
  strictNumbers: true,
  validateFormats: false,
  allErrors: false,
}).compile(z.toJSONSchema(UsageEvent, { target: 'draft-2020-12' }));

export type UsageEventReading =
  { success: true; data: UsageEvent } | { success: false; error: z.ZodError<UsageEvent> };

export function readUsageEvent(value: unknown): UsageEventReading {
  // the compiled check refuses fields the schema does not know (a newer producer): such an event is
  // read by zod, which drops them, as before; `strictNumbers` refuses Infinity (JSON's 1e999) as zod does
  if (compiledCheck(value)) return { success: true, data: value as UsageEvent };
  return UsageEvent.safeParse(value);
}
