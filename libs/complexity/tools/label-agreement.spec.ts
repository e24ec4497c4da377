import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TIERS } from '@switchyard/contracts';
import {
  cohenKappa,
  crossTable,
  exactAgreement,
  labelAgreementReport,
  majorityTier,
  readRelabels,
  readersByPartTable,
  readersOverruleAuthor,
} from './label-agreement';
import { CORPUS_PATHS, readRawCorpus, repositoryRoot } from './routing-corpus';

describe(cohenKappa.name, () => {
  it('is 1 for identical lists, 0 for agreement no better than the tier shares give', () => {
    expect(cohenKappa([0, 1, 2, 3], [0, 1, 2, 3])).toBe(1);
    // each list half 0 and half 1, independent: 50 % agreement is what chance gives.
    expect(cohenKappa([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0, 10);
    // 3 of 4 agree; chance 0.5: κ = (0.75 - 0.5) / 0.5.
    expect(cohenKappa([0, 0, 1, 1], [0, 0, 1, 0])).toBeCloseTo(0.5, 10);
    expect(exactAgreement([0, 0, 1, 1], [0, 0, 1, 0])).toBe(0.75);
  });
});

describe(majorityTier.name, () => {
  it('takes the tier two readers share, and the first reader where all differ', () => {
    expect(majorityTier(1, 2, 2)).toBe(2);
    expect(majorityTier(1, 1, 2)).toBe(1);
    expect(majorityTier(1, 2, 1)).toBe(1);
    expect(majorityTier(1, 2, 3)).toBe(1);
  });
});

describe(readersOverruleAuthor.name, () => {
  it("holds only where both readers agree on a tier other than the author's", () => {
    expect(readersOverruleAuthor({ author: 1, r1: 0, r2: 0 })).toBe(true);
    expect(readersOverruleAuthor({ author: 1, r1: 0, r2: 1 })).toBe(false);
    expect(readersOverruleAuthor({ author: 1, r1: 0, r2: 2 })).toBe(false);
    expect(readersOverruleAuthor({ author: 1, r1: 1, r2: 1 })).toBe(false);
  });
});

describe(crossTable.name, () => {
  it('counts rows by the first list and columns by the second', () => {
    const matrix = crossTable([1, 1, 2], [1, 2, 2]);
    expect(matrix[1][1]).toBe(1);
    expect(matrix[1][2]).toBe(1);
    expect(matrix[2][2]).toBe(1);
    expect(matrix.flat().reduce((sum, count) => sum + count, 0)).toBe(3);
  });
});

describe(readRelabels.name, () => {
  const folder = mkdtempSync(join(tmpdir(), 'relabels-'));

  it('reads tiers by id and refuses a repeated id or an unknown tier', () => {
    const good = join(folder, 'good.jsonl');
    writeFileSync(good, '{"id":"a-simple:1","author":"SIMPLE","r1":"SIMPLE","r2":"MEDIUM"}\n\n');
    expect(readRelabels(good).get('a-simple:1')).toEqual({ author: 0, r1: 0, r2: 1 });
    const twice = join(folder, 'twice.jsonl');
    const line = '{"id":"x:1","author":"SIMPLE","r1":"SIMPLE","r2":"SIMPLE"}\n';
    writeFileSync(twice, line + line);
    expect(() => readRelabels(twice)).toThrow('x:1 twice');
    const unknown = join(folder, 'unknown.jsonl');
    writeFileSync(unknown, '{"id":"x:1","author":"SIMPLE","r1":"EASY","r2":"SIMPLE"}\n');
    expect(() => readRelabels(unknown)).toThrow('unknown.jsonl:1');
    const oneReader = join(folder, 'one-reader.jsonl');
    writeFileSync(oneReader, '{"id":"x:1","author":"SIMPLE","r1":"SIMPLE"}\n');
    expect(() => readRelabels(oneReader)).toThrow('one-reader.jsonl:1');
  });
});

describe(labelAgreementReport.name, () => {
  it('reports each pair, the majority and the unanimous asks, and refuses an ask not labelled again', () => {
    const asks = (['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING'] as const).map((tier, index) => ({
      id: `t:${index + 1}`,
      text: `ask ${index}`,
      tier,
      lang: 'en',
      source: 'x',
    }));
    const relabels = new Map<string, { author: number; r1: number; r2: number }>([
      ['t:1', { author: 0, r1: 0, r2: 0 }],
      ['t:2', { author: 1, r1: 2, r2: 2 }],
      ['t:3', { author: 2, r1: 2, r2: 1 }],
      ['t:4', { author: 3, r1: 3, r2: 3 }],
    ]);
    // the model follows the readers' majority on t:2 (COMPLEX), and the label elsewhere.
    const set = { name: 'S', asks, modelName: 'm', decided: [0, 2, 2, 3] };
    const report = labelAgreementReport([set], relabels);
    expect(report).toContain('| the author ↔ reader 1 | 75.0% /');
    expect(report).toContain('| reader 1 ↔ reader 2 | 75.0% /');
    expect(report).toContain('| the model ↔ the author | 75.0% / 0.67 (m) |');
    expect(report).toContain('| the model ↔ the majority of the three | 100.0% / 1.00 |');
    expect(report).toContain('| asks all three readers agree on | 2 (50.0%) |');
    expect(report).toContain('| the model on those asks | 100.0% |');
    const table = readersByPartTable(asks, relabels);
    expect(table).toContain('| x | 4 | 75.0% | 50.0% | 75.0% | 1 (25.0%) |');
    relabels.delete('t:4');
    expect(() => labelAgreementReport([set], relabels)).toThrow('t:4 (S) was not labelled again');
  });
});

describe('the committed relabels', () => {
  const root = repositoryRoot();
  const relabels = readRelabels(join(root, CORPUS_PATHS.relabels));
  const first = readRawCorpus(root);
  const second = readRawCorpus(root, CORPUS_PATHS.second);

  it("cover every ask of both corpora, each with the tier its corpus gives it as the author's", () => {
    expect(new Set(relabels.keys())).toEqual(new Set([...first, ...second].map((ask) => ask.id)));
    for (const ask of [...first, ...second]) {
      expect([ask.id, TIERS[relabels.get(ask.id)!.author]]).toEqual([ask.id, ask.tier]);
    }
  });
});
