import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '@switchyard/contracts';
import { parseResponsesRequest } from './parse-responses-request';

const codex = JSON.parse(
  readFileSync(join(__dirname, '../../../../../shared/fixtures/codex-request.json'), 'utf8'),
) as { body: Record<string, unknown> };

function errorOf(body: unknown): GatewayError {
  try {
    parseResponsesRequest(body);
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error('no error');
}

describe(parseResponsesRequest.name, () => {
  it('reads the request Codex 0.171.0 sends as it is', () => {
    const sut = parseResponsesRequest(codex.body);

    expect(sut.model).toBe('frontier-router');
    expect(Array.isArray(sut.input) && sut.input).toHaveLength(4);
    expect(sut.tools?.map((tool) => tool.type)).toEqual([
      'function',
      'function',
      'function',
      'function',
      'namespace',
      'function',
      'function',
      'function',
      'web_search',
    ]);
    expect(sut.store).toBe(false);
    expect(sut.prompt_cache_key).toBe('01a245f9-8e7e-7fc3-bf0d-499ca66202ff');
  });

  it('takes a string input and ignores fields it has no use for', () => {
    const sut = parseResponsesRequest({
      model: 'gpt-5.4-mini',
      input: 'hi',
      truncation: 'auto',
      service_tier: 'x',
    });

    expect(sut.input).toBe('hi');
  });

  it.each([
    [{ input: 'hi' }, 400, 'model', 'missing_required_parameter', "Missing required parameter: 'model'."],
    [{ model: 'm' }, 400, 'input', 'missing_required_parameter', "Missing required parameter: 'input'."],
    [
      { model: 'm', input: 'hi', temperature: 'hot' },
      400,
      'temperature',
      'invalid_type',
      "Invalid type for 'temperature': expected a decimal, but got a string instead.",
    ],
    [
      { model: 'm', input: [{ role: 'user', content: [{ type: 'input_text' }] }] },
      400,
      'input[0].content[0].text',
      'missing_required_parameter',
      "Missing required parameter: 'input[0].content[0].text'.",
    ],
    [
      { model: 'm', input: [{ role: 'robot', content: 'hi' }] },
      400,
      'input[0].role',
      'invalid_value',
      "Invalid value: \"robot\". Supported values are: 'user', 'system', 'developer', 'assistant'.",
    ],
    [
      { model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] },
      400,
      'input[0].call_id',
      'missing_required_parameter',
      "Missing required parameter: 'input[0].call_id'.",
    ],
  ])('refuses %j in OpenAI words', (body, status, param, code, message) => {
    const sut = errorOf(body);

    expect(sut.status).toBe(status);
    expect(sut.type).toBe('invalid_request_error');
    expect(sut.param).toBe(param);
    expect(sut.code).toBe(code);
    expect(sut.message).toBe(message);
  });
});

describe('parseResponsesRequest: an unknown part type', () => {
  it('names the type field of the part', () => {
    const sut = errorOf({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_video' }] }] });

    expect(sut.param).toBe('input[0].content[0].type');
    expect(sut.message).toContain('Invalid value: "input_video". Supported values are:');
  });
});
