import type { JsonRecord } from '../shared/json';
import { malformedResponse } from '../shared/upstream-error';
import type { GeminiPartialArg } from './gemini-wire';

/** Keys that would reach an object's prototype, never a property of the arguments. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** How far past an array's end a piece may write: a path like `[20000000]` is not an argument. */
const MAX_ARRAY_GAP = 1024;

/**
 * A function call whose arguments Gemini streams as `partialArgs` (JSON path + value pieces):
 * assembles the arguments object. A string piece with `willContinue` goes on in the next piece
 * for the same path, which appends to it.
 */
export class GeminiStreamedFunctionCall {
  readonly args: JsonRecord;
  private continuingPath: string | null = null;

  constructor(
    readonly name: string,
    initialArgs: JsonRecord | null | undefined,
    readonly thoughtSignature: string | undefined,
  ) {
    this.args = { ...(initialArgs ?? {}) };
  }

  add(piece: GeminiPartialArg): void {
    const steps = pathSteps(piece.jsonPath);
    if (steps.length === 0) return;
    const appending = this.continuingPath === piece.jsonPath && piece.stringValue !== undefined;
    this.continuingPath = piece.willContinue === true ? piece.jsonPath : null;
    let node: Record<string | number, unknown> = this.args;
    for (const [position, step] of steps.entries()) {
      refuseUnsafeStep(node, step, piece.jsonPath);
      if (position === steps.length - 1) {
        const current = node[step];
        node[step] = appending && typeof current === 'string' ? current + piece.stringValue : valueOf(piece);
        return;
      }
      if (typeof node[step] !== 'object' || node[step] === null) {
        node[step] = typeof steps[position + 1] === 'number' ? [] : {};
      }
      node = node[step] as Record<string | number, unknown>;
    }
  }
}

function refuseUnsafeStep(node: Record<string | number, unknown>, step: string | number, path: string): void {
  const unsafe =
    typeof step === 'string'
      ? PROTOTYPE_KEYS.has(step)
      : Array.isArray(node) && step > node.length + MAX_ARRAY_GAP;
  if (unsafe)
    throw malformedResponse('gemini', `a streamed function-call argument at ${JSON.stringify(path)}`);
}

function valueOf(piece: GeminiPartialArg): unknown {
  if (piece.stringValue !== undefined) return piece.stringValue;
  if (piece.numberValue !== undefined) return piece.numberValue;
  if (piece.boolValue !== undefined) return piece.boolValue;
  return null;
}

/** `$.recipe.steps[2]` → ['recipe', 'steps', 2]; a bracketed quoted key (`$['a b']`) is a key. */
function pathSteps(jsonPath: string): (string | number)[] {
  const steps: (string | number)[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g;
  for (const match of jsonPath.replace(/^\$/, '').matchAll(pattern)) {
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else steps.push(match[3] ?? match[4] ?? '');
  }
  return steps;
}
