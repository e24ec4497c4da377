import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_MODEL_PATH,
  decodeWeights,
  encodeWeights,
  loadLearnedModel,
  modelFromFile,
  parseModelFile,
} from './learned-model';
import { CORPUS_PATHS, repositoryRoot } from '../../tools/routing-corpus';
import { TRAINING_SETTINGS } from '../../tools/train-router';

describe(encodeWeights.name, () => {
  it('round-trips sparse weights through varint buckets and int16 values', () => {
    const buckets = Int32Array.from([0, 5, 127, 128, 300_000, 16_777_215]);
    const weights = Float64Array.from({ length: 24 }, (_, index) => Math.sin(index) * (index % 5));
    const encoded = encodeWeights({ buckets, weights });
    expect(encoded.count).toBe(6);
    const decoded = decodeWeights(encoded);
    expect(Array.from(decoded.buckets)).toEqual(Array.from(buckets));
    decoded.weights.forEach((weight, index) =>
      expect(Math.abs(weight - weights[index])).toBeLessThanOrEqual(encoded.scale),
    );
  });

  it('rejects a file whose values do not match its bucket count', () => {
    const encoded = encodeWeights({ buckets: Int32Array.from([1, 2]), weights: new Float64Array(8).fill(1) });
    expect(() => decodeWeights({ ...encoded, count: 3 })).toThrow('bytes of values for 3 buckets');
  });
});

describe(loadLearnedModel.name, () => {
  const root = repositoryRoot(__dirname);

  it('reads the committed model: under 2 MB, trained on the committed train split with the committed settings', () => {
    expect(DEFAULT_MODEL_PATH).toBe(join(root, CORPUS_PATHS.model));
    expect(statSync(DEFAULT_MODEL_PATH).size).toBeLessThan(2 * 1024 * 1024);
    const file = parseModelFile(readFileSync(DEFAULT_MODEL_PATH, 'utf8'), DEFAULT_MODEL_PATH);
    expect(file.features).toEqual(TRAINING_SETTINGS.features);
    expect(file.qualityBiasTilt).toBe(TRAINING_SETTINGS.qualityBiasTilt);
    const trainText = readFileSync(join(root, CORPUS_PATHS.train), 'utf8');
    expect(file.training.trainSha256).toBe(createHash('sha256').update(trainText, 'utf8').digest('hex'));
    const model = modelFromFile(file);
    expect(model.weights).toHaveLength(2 ** file.features.hashBits * 4);
    expect(model.count).toBe(file.weights.count);
  });

  it('loads once per process', () => {
    expect(loadLearnedModel()).toBe(loadLearnedModel());
  });

  it('names the file and the problem when a model file is not valid', () => {
    expect(() => parseModelFile('{', 'x.json')).toThrow('x.json: not JSON');
    expect(() => parseModelFile('{"format":"other"}', 'x.json')).toThrow(
      'x.json: not a learned router model',
    );
  });
});
