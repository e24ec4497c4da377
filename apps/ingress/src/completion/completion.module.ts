import { Module } from "@nestjs/common";
import { DispatchClient } from "../dispatch/dispatch-client";
import { DeploymentCooldowns } from "../routing/deployment-cooldowns";
import { ResolveModel } from "../routing/resolve-model";
import { SessionRoutes } from "../routing/session-routes";
import { CALL_ADMISSION, OpenAdmission } from "./call-admission";
import { CompleteChat } from "./complete-chat";
import { RecordRefusal } from "./record-refusal";

@Module({
  providers: [
    DispatchClient,
    ResolveModel,
    DeploymentCooldowns,
    SessionRoutes,
    RecordRefusal,
    CompleteChat,
    { provide: CALL_ADMISSION, useClass: OpenAdmission },
  ],
  exports: [
    CompleteChat,
    ResolveModel,
    DispatchClient,
    RecordRefusal,
    CALL_ADMISSION,
  ],
})
export class CompletionModule {}
