import { Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayConfiguration, IngressEnvironment } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import { MasterKeyGuard } from '../auth/api-key.guard';
import { GATEWAY_CONFIGURATION, INGRESS_ENVIRONMENT } from '../infrastructure/tokens';
import {
  AgentSetupError,
  buildClaudeCodeEnvironment,
  buildCodexConfig,
  buildGeminiCliEnvironment,
  GEMINI_CLI_SETTINGS,
} from './build-agent-setup';
import { gatewayUrlOf } from './gateway-url';

const PLAIN_TEXT = 'text/plain; charset=utf-8';

/**
 * Setup for the coding agents besides OpenCode (master key), each in the form the agent reads, so
 * `curl … > file` or `source <(curl …)` is the whole step: `GET /integrations/codex` (config.toml),
 * `GET /integrations/gemini-cli` (environment lines) with `/integrations/gemini-cli/settings.json`,
 * `GET /integrations/claude-code` (environment lines). Query: `model` (default: the first router).
 */
@Controller('integrations')
@UseGuards(MasterKeyGuard)
export class AgentSetupController {
  constructor(
    @Inject(GATEWAY_CONFIGURATION) private readonly configuration: GatewayConfiguration,
    @Inject(INGRESS_ENVIRONMENT) private readonly environment: IngressEnvironment,
  ) {}

  @Get('codex')
  codex(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('provider') provider?: string,
    @Query('model') model?: string,
  ): string {
    return this.build(reply, () =>
      buildCodexConfig(this.configuration, {
        gatewayUrl: gatewayUrlOf(request, this.environment.PORT),
        providerName: provider || undefined,
        model: model || undefined,
      }),
    );
  }

  @Get('gemini-cli')
  geminiCli(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('model') model?: string,
  ): string {
    return this.build(reply, () =>
      buildGeminiCliEnvironment(this.configuration, {
        gatewayUrl: gatewayUrlOf(request, this.environment.PORT),
        model: model || undefined,
      }),
    );
  }

  @Get('gemini-cli/settings.json')
  geminiCliSettings(): typeof GEMINI_CLI_SETTINGS {
    return GEMINI_CLI_SETTINGS;
  }

  @Get('claude-code')
  claudeCode(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('model') model?: string,
    @Query('small_model') smallModel?: string,
  ): string {
    return this.build(reply, () =>
      buildClaudeCodeEnvironment(this.configuration, {
        gatewayUrl: gatewayUrlOf(request, this.environment.PORT),
        model: model || undefined,
        smallModel: smallModel || undefined,
      }),
    );
  }

  /** The text, as `text/plain` (set only on success, so an error still goes out as the JSON envelope). */
  private build(reply: FastifyReply, setup: () => string): string {
    let text: string;
    try {
      text = setup();
    } catch (error) {
      if (error instanceof AgentSetupError) throw GatewayError.invalidRequest(error.message);
      throw error;
    }
    void reply.type(PLAIN_TEXT);
    return text;
  }
}
