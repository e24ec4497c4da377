import { parseGatewayConfig } from '@switchyard/config';
import { GatewayError, type VirtualKey } from '@switchyard/contracts';
import type { DispatchClient } from '../dispatch/dispatch-client';
import type { ResolveModel } from '../routing/resolve-model';
import type { AdmittedCall, CallAdmission } from './call-admission';
import type { ChatCallContext } from './chat-context';
import { CreateEmbeddings } from './create-embeddings';
import type { RecordRefusal } from './record-refusal';

const configuration = parseGatewayConfig(
  `
model_list:
  - model_name: text-embedding-3-small
    litellm_params: { model: openai/text-embedding-3-small, api_key: test }
`,
  { source: 'test.yaml', environment: {} },
);

const key = { key_id: 'key-1', models: [] } as unknown as VirtualKey;
const context = {
  callId: 'call-1',
  caller: { kind: 'virtual', keyId: 'key-1', keyHash: 'a', models: [], key },
  sessionId: null,
  user: null,
  metadata: null,
  observation: {},
} as unknown as ChatCallContext;

describe(CreateEmbeddings.name, () => {
  it("releases the call's slot and reservation when the dispatcher's reply never comes (a bus timeout)", async () => {
    const settle = jest.fn();
    const admitted: AdmittedCall = { headers: {}, settle, reserveAgain: async () => true };
    const admission: CallAdmission = { authorize: () => undefined, admit: async () => admitted };
    const resolveModel = {
      direct: (model: string) => ({
        modelGroup: model,
        modelName: model,
        deployments: [...configuration.deploymentsFor(model)],
        decision: null,
      }),
    };
    const timeout = GatewayError.timeout('no reply on dispatch.openai.embed.v1 within 120000 ms');
    const sut = new CreateEmbeddings(
      configuration,
      resolveModel as unknown as ResolveModel,
      { embed: () => Promise.reject(timeout) } as unknown as DispatchClient,
      admission,
      { execute: () => undefined } as unknown as RecordRefusal,
    );
    await expect(sut.execute({ model: 'text-embedding-3-small', input: 'hello' }, context)).rejects.toBe(
      timeout,
    );
    expect(settle).toHaveBeenCalledWith(null);
  });
});
