import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TIERS, Tier } from '@switchyard/contracts';
import { FeatureOptions } from './feature-options';

export const LEARNED_MODEL_FORMAT = 'switchyard.learned-router.v1';

/** Where the committed weights live (`libs/complexity/model`; the build copies them to `dist`). */
export const DEFAULT_MODEL_PATH = join(__dirname, '../../model/learned-router.json');

/**
 * The model file. Weights are sparse: the buckets that carry weight, delta-encoded as unsigned
 * LEB128 varints, and four int16 weights per bucket (little-endian, × `scale`), both base64.
 * Everything else is readable: the feature options, the biases, how it was trained, and the
 * strongest features per tier (for people; inference does not read them).
 */
export const LearnedModelFile = z.strictObject({
  format: z.literal(LEARNED_MODEL_FORMAT),
  tiers: z.tuple([z.literal('SIMPLE'), z.literal('MEDIUM'), z.literal('COMPLEX'), z.literal('REASONING')]),
  features: FeatureOptions,
  /** added to the logit of tier k as `quality_bias × tilt × k`: log-odds per tier step at quality_bias 1. */
  qualityBiasTilt: z.number().nonnegative(),
  bias: z.array(z.number()).length(4),
  weights: z.strictObject({
    count: z.number().int().nonnegative(),
    scale: z.number().positive(),
    buckets: z.string(),
    values: z.string(),
  }),
  training: z.record(z.string(), z.unknown()),
  strongestFeatures: z.partialRecord(Tier, z.array(z.string())),
});
export type LearnedModelFile = z.infer<typeof LearnedModelFile>;

/**
 * A model ready for inference: dense int16 weights, `weights[bucket * 4 + tier] × scale` (2 MB for
 * 2^18 buckets, half the cache footprint of float32; the file holds exactly these integers).
 */
export interface LearnedModel {
  features: FeatureOptions;
  qualityBiasTilt: number;
  bias: Float64Array;
  weights: Int16Array;
  scale: number;
  /** buckets that carry weight. */
  count: number;
}

/** Sparse weights as training produces them: `weights[i * 4 + tier]` belongs to `buckets[i]` (ascending). */
export interface SparseWeights {
  buckets: Int32Array;
  weights: Float64Array;
}

const INT16_MAX = 32767;

/** Encodes sparse weights for the file: varint deltas of the buckets and int16 weights. */
export function encodeWeights(sparse: SparseWeights): LearnedModelFile['weights'] {
  const { buckets, weights } = sparse;
  let largest = 0;
  for (const weight of weights) largest = Math.max(largest, Math.abs(weight));
  const scale = largest === 0 ? 1 : Number((largest / INT16_MAX).toPrecision(8));
  const bytes: number[] = [];
  let previous = 0;
  for (const bucket of buckets) {
    let delta = bucket - previous;
    previous = bucket;
    while (delta >= 0x80) {
      bytes.push((delta & 0x7f) | 0x80);
      delta >>>= 7;
    }
    bytes.push(delta);
  }
  const values = Buffer.alloc(weights.length * 2);
  weights.forEach((weight, index) => {
    const quantized = Math.max(-INT16_MAX, Math.min(INT16_MAX, Math.round(weight / scale)));
    values.writeInt16LE(quantized, index * 2);
  });
  return {
    count: buckets.length,
    scale,
    buckets: Buffer.from(bytes).toString('base64'),
    values: values.toString('base64'),
  };
}

/** The buckets and raw int16 weights of the file. */
function decodeQuantized(encoded: LearnedModelFile['weights']): { buckets: Int32Array; values: Int16Array } {
  const bucketBytes = Buffer.from(encoded.buckets, 'base64');
  const bytes = Buffer.from(encoded.values, 'base64');
  if (bytes.length !== encoded.count * 8) {
    throw new Error(`model weights: ${bytes.length} bytes of values for ${encoded.count} buckets`);
  }
  const buckets = new Int32Array(encoded.count);
  let offset = 0;
  let previous = 0;
  for (let index = 0; index < encoded.count; index += 1) {
    let delta = 0;
    let shift = 0;
    for (;;) {
      if (offset >= bucketBytes.length) throw new Error('model weights: bucket list ends early');
      const byte = bucketBytes[offset];
      offset += 1;
      delta += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    previous += delta;
    buckets[index] = previous;
  }
  const values = new Int16Array(encoded.count * 4);
  for (let index = 0; index < values.length; index += 1) values[index] = bytes.readInt16LE(index * 2);
  return { buckets, values };
}

/** Decodes the file's sparse weights (the inverse of `encodeWeights`, up to int16 rounding). */
export function decodeWeights(encoded: LearnedModelFile['weights']): SparseWeights {
  const { buckets, values } = decodeQuantized(encoded);
  return { buckets, weights: Float64Array.from(values, (value) => value * encoded.scale) };
}

/** Builds the in-memory model from a parsed file. */
export function modelFromFile(file: LearnedModelFile): LearnedModel {
  const buckets = 2 ** file.features.hashBits;
  const { buckets: used, values } = decodeQuantized(file.weights);
  const weights = new Int16Array(buckets * TIERS.length);
  used.forEach((bucket, index) => {
    if (bucket >= buckets) {
      throw new Error(`model weights: bucket ${bucket} outside 2^${file.features.hashBits}`);
    }
    weights.set(values.subarray(index * 4, index * 4 + 4), bucket * 4);
  });
  return {
    features: file.features,
    qualityBiasTilt: file.qualityBiasTilt,
    bias: Float64Array.from(file.bias),
    weights,
    scale: file.weights.scale,
    count: used.length,
  };
}

/** Parses and validates a model file's text. */
export function parseModelFile(text: string, source: string): LearnedModelFile {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = LearnedModelFile.safeParse(document);
  if (!parsed.success) throw new Error(`${source}: not a learned router model (${parsed.error.message})`);
  return parsed.data;
}

const loaded = new Map<string, LearnedModel>();

/** The model of a file, read and decoded once per process (module-level cache). */
export function loadLearnedModel(path: string = DEFAULT_MODEL_PATH): LearnedModel {
  let model = loaded.get(path);
  if (model === undefined) {
    model = modelFromFile(parseModelFile(readFileSync(path, 'utf8'), path));
    loaded.set(path, model);
  }
  return model;
}
