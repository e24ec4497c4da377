import { type ArgumentsHost, Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';
import { GatewayError } from '@switchyard/contracts';

/** Every failure of a `@MessagePattern` handler as a typed `GatewayErrorPayload` in Nest's `err`. */
@Catch()
export class GatewayRpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Rpc');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    if (exception instanceof GatewayError) return throwError(() => exception.toPayload());
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return throwError(() => GatewayError.internal('the service failed to handle the message').toPayload());
  }
}
