import { Module } from '@nestjs/common';
import { CALL_ADMISSION } from './call-admission';
import { RecordRefusal } from './record-refusal';
import { InfrastructureModule } from '../infrastructure/infrastructure.module';
import { AdmittedCalls } from './admitted-calls';
import { KeyAdmission } from './key-admission';

/**
 * Admission: virtual keys' budgets and rate limits (`CALL_ADMISSION`), the calls holding them
 * (`AdmittedCalls`, released at shutdown), and the usage record of a refused call.
 */
@Module({
  imports: [InfrastructureModule],
  providers: [AdmittedCalls, RecordRefusal, { provide: CALL_ADMISSION, useClass: KeyAdmission }],
  exports: [AdmittedCalls, RecordRefusal, CALL_ADMISSION],
})
export class LimitsModule {}
