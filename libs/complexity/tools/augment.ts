import { type CorpusAsk, textHash } from './routing-corpus';

/**
 * Style transforms of training asks, so a model trained on one author's voice also reads others:
 * lowercase without punctuation, typos and chat abbreviations, terse asks without filler words,
 * and the ask after a tool result (command output, a test run, a stack trace). Each transform
 * keeps the label: by the rubric the tier is the task's, never its wording, and tool output is
 * context, not the task. Deterministic: every choice comes from the SHA-256 of the ask's text.
 * The transforms were written from the rubric and corpus A; they read nothing of another corpus.
 */
export type StyleTransform = 'lowercase' | 'typos' | 'terse' | 'tool' | 'verbose' | 'issue';

export const STYLE_TRANSFORMS: readonly StyleTransform[] = ['lowercase', 'typos', 'terse', 'tool', 'verbose'];

export interface AugmentOptions {
  /** which transforms make extra examples, each one copy per ask. */
  transforms: readonly StyleTransform[];
  /** how much one transformed copy counts in the loss, against 1 for an original ask. */
  weight: number;
}

/** A labelled ask and how much it counts in the loss. */
export interface WeightedAsk {
  ask: CorpusAsk;
  weight: number;
}

/** A stable generator of numbers in [0, 1) from a seed text (xorshift on the text's hash). */
function generator(seed: string): () => number {
  let state = Math.floor(textHash(seed) * 2 ** 32) >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

/** Applies `transform` to the prose of `text` only: fenced code blocks are kept as written. */
function onProse(text: string, transform: (prose: string) => string): string {
  const parts = text.split(/(```[\s\S]*?```)/);
  return parts.map((part, index) => (index % 2 === 1 ? part : transform(part))).join('');
}

function lowercase(text: string): string {
  return onProse(text, (prose) =>
    prose
      .toLowerCase()
      .replace(/['’](?=\p{L})/gu, '')
      .replace(/[.,;!:](?=\s|$)/gu, '')
      .replace(/[ \t]+/g, ' '),
  );
}

const ABBREVIATIONS: Readonly<Record<string, string>> = {
  you: 'u',
  your: 'ur',
  please: 'pls',
  because: 'bc',
  with: 'w/',
  without: 'w/o',
  function: 'fn',
  the: 'teh',
  are: 'r',
  thanks: 'thx',
  something: 'smth',
  message: 'msg',
  configuration: 'config',
  repository: 'repo',
  directory: 'dir',
  database: 'db',
  and: '&',
};

function typos(text: string, random: () => number): string {
  return onProse(text, (prose) =>
    prose.replace(/\p{L}+/gu, (word) => {
      const roll = random();
      const lower = word.toLowerCase();
      if (roll < 0.3 && ABBREVIATIONS[lower] !== undefined) return ABBREVIATIONS[lower];
      if (word.length < 4 || roll > 0.22) return word;
      const at = 1 + Math.floor(random() * (word.length - 2));
      const kind = random();
      if (kind < 0.4) return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
      if (kind < 0.75) return word.slice(0, at) + word.slice(at + 1);
      return word.slice(0, at) + word[at] + word.slice(at);
    }),
  );
}

const FILLERS =
  /\b(please|pls|kindly|could you|can you|would you|will you|i want you to|i'd like you to|i would like you to|i need you to|help me|for me|just|hey|hi|so|basically|actually|the|a|an)\b[ ,]*/giu;

function terse(text: string): string {
  return onProse(text, (prose) =>
    prose
      .replace(FILLERS, '')
      .replace(/[ \t]{2,}/g, ' ')
      .replace(/[.!]+(?=\s*$)/u, '')
      .trim(),
  ).toLowerCase();
}

/** Tool output an agent puts before the user's words: neutral about the task's tier. */
const TOOL_OUTPUTS: readonly string[] = [
  '$ npm test\n\n Test Suites: 12 passed, 12 total\nTests:       148 passed, 148 total\nTime:        4.21 s',
  '$ git status\nOn branch main\nChanges not staged for commit:\n  modified:   src/index.ts\n  modified:   package.json',
  '$ ls\nREADME.md  package.json  src  test  tsconfig.json',
  'FAIL src/orders/orders.test.ts\n  ● creates an order\n    expect(received).toEqual(expected)\n    Expected: 200\n    Received: 500',
  "TypeError: Cannot read properties of undefined (reading 'id')\n    at handler (src/api/users.ts:31:22)\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)",
  'Traceback (most recent call last):\n  File "app/main.py", line 42, in <module>\n    run()\nKeyError: \'user_id\'',
  'panic: runtime error: invalid memory address or nil pointer dereference\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:17 +0x1d',
  "src/queue.ts:42:7 - error TS2322: Type 'string' is not assignable to type 'number'.\nFound 1 error in src/queue.ts:42",
  '{"status": "ok", "rows": 120, "elapsed_ms": 37}',
  '$ git log --oneline -3\na1b2c3d fix: handle empty cart\n9f8e7d6 feat: add coupons\n1234abc chore: bump deps',
  'NAME                        READY   STATUS    RESTARTS   AGE\napi-7d9f8c6b5-x2k4p         1/1     Running   0          3h',
  'warning: unused variable: `count`\n --> src/main.rs:12:9\n   |\n12 |     let count = 0;\n   |         ^^^^^',
  '$ cat src/config.ts\nexport const config = {\n  port: 3000,\n  retries: 3,\n};',
  'added 214 packages, and audited 215 packages in 6s\nfound 0 vulnerabilities',
];

const TOOL_LEADS: readonly string[] = ['', 'Tool output:\n', 'Result:\n', 'Output of the last command:\n'];

function tool(text: string, random: () => number): string {
  const output = TOOL_OUTPUTS[Math.floor(random() * TOOL_OUTPUTS.length)];
  const lead = TOOL_LEADS[Math.floor(random() * TOOL_LEADS.length)];
  const fenced = random() < 0.5;
  const block = fenced ? `\`\`\`\n${output}\n\`\`\`` : output;
  return `${lead}${block}\n\n${text}`;
}

/** Context and courtesy around the task that say nothing of its difficulty. */
const OPENINGS: readonly string[] = [
  'Hi! ',
  "Hey, I'm working on our app and need a hand. ",
  'Context: this is a mid-sized TypeScript and Python codebase, tests run in CI. ',
  'Quick context: I picked this up from a teammate today. ',
  '## Description\n\n',
  'Hello, I hope you are doing well. I have a task for you. ',
  'I have been looking at this for a bit. ',
];
const CLOSINGS: readonly string[] = [
  '',
  ' Thanks in advance!',
  '\n\nLet me know if you need more context.',
  ' Please keep the existing code style and explain what you changed.',
  '\n\n## Expected behaviour\n\nIt should just work as described above.',
  ' Thank you so much, really appreciate it.',
];

function verbose(text: string, random: () => number): string {
  const opening = OPENINGS[Math.floor(random() * OPENINGS.length)];
  const closing = CLOSINGS[Math.floor(random() * CLOSINGS.length)];
  return `${opening}${text}${closing}`;
}

/** The headings and boilerplate of an issue or pull-request template: neutral about the task's tier. */
const ISSUE_HEADINGS: readonly string[] = [
  '### Describe the bug\n\n',
  '## Summary\n\n',
  '### Feature request\n\n',
  '## What\n\n',
  '**Is your feature request related to a problem?**\n\n',
  '## Description\n\n',
];
const ISSUE_ENVIRONMENTS: readonly string[] = [
  '\n\n### Environment\n\n- OS: macOS 14.4\n- Node: 20.11.0\n- Version: 2.3.1',
  '\n\n**Environment**\n- OS: Ubuntu 22.04\n- Python 3.12\n- package version 0.9.0',
  '\n\n### Versions\n\n- go 1.22\n- linux/amd64',
  '',
];
const ISSUE_CLOSINGS: readonly string[] = [
  '\n\n### Additional context\n\nHappy to open a PR if this is the right direction.',
  '\n\nRelated to #123.',
  '\n\n- [x] I searched existing issues',
  '\n\ncc @maintainers',
  '',
];

function issue(text: string, random: () => number): string {
  const heading = ISSUE_HEADINGS[Math.floor(random() * ISSUE_HEADINGS.length)];
  const environment = ISSUE_ENVIRONMENTS[Math.floor(random() * ISSUE_ENVIRONMENTS.length)];
  const closing = ISSUE_CLOSINGS[Math.floor(random() * ISSUE_CLOSINGS.length)];
  return `${heading}${text}${environment}${closing}`;
}

/** One transform of an ask's text (the same text and transform always give the same result). */
export function transformText(text: string, transform: StyleTransform): string {
  const random = generator(`${transform}\u0000${text}`);
  switch (transform) {
    case 'lowercase':
      return lowercase(text);
    case 'typos':
      return typos(text, random);
    case 'terse':
      return terse(text);
    case 'tool':
      return tool(text, random);
    case 'verbose':
      return verbose(text, random);
    case 'issue':
      return issue(text, random);
  }
}

/**
 * The asks, each with weight 1, followed by one transformed copy per transform (weight
 * `options.weight`); a copy that reads exactly like its original is left out.
 */
export function augment(asks: readonly CorpusAsk[], options: AugmentOptions | undefined): WeightedAsk[] {
  const weighted: WeightedAsk[] = asks.map((ask) => ({ ask, weight: 1 }));
  if (options === undefined || options.transforms.length === 0 || options.weight <= 0) return weighted;
  for (const transform of options.transforms) {
    for (const ask of asks) {
      const text = transformText(ask.text, transform);
      if (text.length === 0 || text === ask.text) continue;
      weighted.push({ ask: { ...ask, id: `${ask.id}~${transform}`, text }, weight: options.weight });
    }
  }
  return weighted;
}
