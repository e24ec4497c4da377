import type { ServerResponse } from 'node:http';
import { ResponsesSseWriter, responsesSseFrame } from './responses-sse-writer';

describe(ResponsesSseWriter.name, () => {
  it('writes each event as `event: <type>`, `data: <json>` and a blank line, numbered from 0', () => {
    const written: string[] = [];
    const raw = {
      writableEnded: false,
      writeHead: () => undefined,
      write: (text: string) => written.push(text),
      end: (text: string) => written.push(text),
    } as unknown as ServerResponse;
    const sut = new ResponsesSseWriter(raw);

    sut.write([
      {
        type: 'response.output_text.delta',
        item_id: 'msg_1',
        output_index: 0,
        content_index: 0,
        delta: 'Hi',
        logprobs: [],
      },
    ]);
    sut.end([
      {
        type: 'response.function_call_arguments.delta',
        item_id: 'fc_1',
        output_index: 1,
        delta: '{"a":"\\n"}',
      },
    ]);

    expect(written.join('')).toBe(
      'event: response.output_text.delta\n' +
        'data: {"type":"response.output_text.delta","sequence_number":0,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi","logprobs":[]}\n\n' +
        'event: response.function_call_arguments.delta\n' +
        'data: {"type":"response.function_call_arguments.delta","sequence_number":1,"item_id":"fc_1","output_index":1,"delta":"{\\"a\\":\\"\\\\n\\"}"}\n\n',
    );
  });

  it('keeps a newline inside a delta on the one data line (JSON escapes it)', () => {
    const frame = responsesSseFrame(
      {
        type: 'response.output_text.delta',
        item_id: 'm',
        output_index: 0,
        content_index: 0,
        delta: 'a\nb',
        logprobs: [],
      },
      7,
    );

    expect(frame.split('\n')).toHaveLength(4);
    expect(frame.endsWith('\n\n')).toBe(true);
    expect(frame).toContain('"delta":"a\\nb"');
  });
});
