// The rds-iam component library. The public contract is described in DESIGN.md.
export * from "./engines";
export * from "./validation";
export {
    ConnectGrant,
    DbUserArnArgs,
    Partition,
    PolicyDocument,
    PolicyStatement,
    connectPolicyDocument,
    dbUserArn,
    dbUserArnProblems,
} from "./connectPolicy";
export { Database, DatabaseArgs, DatabaseUserSpec } from "./database";
export {
    DatabaseAccessRole,
    DatabaseAccessRoleArgs,
    DatabaseGrant,
    ResourceIdGrant,
    Grant,
    WorkloadService,
    assumeRolePolicy,
} from "./accessRole";
export { DatabaseUser, DatabaseUserArgs, MasterCredentials } from "./databaseUser";
export { databaseUserProvider } from "./provider/provider";

// --- client (issue 5): app-side IAM-token connection helper ---
export * as client from "./client";
export { getConnectionOptions } from "./client";
