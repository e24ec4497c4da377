/**
 * Aho-Corasick over UTF-16 code units, compiled to a full transition table: one pass over a text
 * finds every occurrence of every pattern, overlapping ones included. Code units that occur in
 * no pattern send the automaton back to its root, so they cost one table read.
 */
export class AhoCorasick {
  /** code unit → column of the transition table (0: a unit no pattern contains). */
  private readonly columnOf = new Uint16Array(0x10000);
  private readonly columns: number;
  /** state × column → next state. */
  private readonly transitions: Int32Array;
  /** outputs of state s: `outputIds[outputStart[s] .. outputStart[s + 1])`, failure chain included. */
  private readonly outputStart: Int32Array;
  private readonly outputIds: Int32Array;
  readonly patternLengths: Int32Array;

  constructor(patterns: readonly string[]) {
    let columns = 1;
    for (const pattern of patterns) {
      for (let index = 0; index < pattern.length; index += 1) {
        const unit = pattern.charCodeAt(index);
        if (this.columnOf[unit] === 0) {
          this.columnOf[unit] = columns;
          columns += 1;
        }
      }
    }
    this.columns = columns;
    this.patternLengths = Int32Array.from(patterns.map((pattern) => pattern.length));

    // The trie, as child maps; state 0 is the root.
    const children: Map<number, number>[] = [new Map<number, number>()];
    const ownOutputs: number[][] = [[]];
    patterns.forEach((pattern, patternIndex) => {
      let state = 0;
      for (let index = 0; index < pattern.length; index += 1) {
        const column = this.columnOf[pattern.charCodeAt(index)];
        let next = children[state].get(column);
        if (next === undefined) {
          next = children.length;
          children.push(new Map<number, number>());
          ownOutputs.push([]);
          children[state].set(column, next);
        }
        state = next;
      }
      if (pattern.length > 0) ownOutputs[state].push(patternIndex);
    });

    // Breadth-first: failure links, full transitions, and outputs merged along the failure chain.
    const states = children.length;
    const transitions = new Int32Array(states * columns);
    const failure = new Int32Array(states);
    const outputs: number[][] = ownOutputs.map((own) => [...own]);
    const queue: number[] = [];
    for (const [column, child] of children[0]) {
      transitions[column] = child;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head];
      outputs[state].push(...outputs[failure[state]]);
      for (let column = 1; column < columns; column += 1) {
        const child = children[state].get(column);
        if (child === undefined) {
          transitions[state * columns + column] = transitions[failure[state] * columns + column];
        } else {
          transitions[state * columns + column] = child;
          failure[child] = transitions[failure[state] * columns + column];
          queue.push(child);
        }
      }
    }
    this.transitions = transitions;
    this.outputStart = new Int32Array(states + 1);
    const flat: number[] = [];
    outputs.forEach((list, state) => {
      this.outputStart[state] = flat.length;
      flat.push(...list);
    });
    this.outputStart[states] = flat.length;
    this.outputIds = Int32Array.from(flat);
  }

  /** Calls `onMatch(pattern, start, end)` for every occurrence (UTF-16 offsets, `end` exclusive). */
  forEachMatch(text: string, onMatch: (pattern: number, start: number, end: number) => void): void {
    const { columnOf, columns, transitions, outputStart, outputIds, patternLengths } = this;
    let state = 0;
    for (let index = 0; index < text.length; index += 1) {
      const column = columnOf[text.charCodeAt(index)];
      state = column === 0 ? 0 : transitions[state * columns + column];
      const first = outputStart[state];
      const last = outputStart[state + 1];
      for (let output = first; output < last; output += 1) {
        const pattern = outputIds[output];
        onMatch(pattern, index + 1 - patternLengths[pattern], index + 1);
      }
    }
  }
}
