// The rds-iam component library: its public API, listed name by name. Everything not exported here
// (SQL builders, validation helpers, the engine table's internals) is internal and may change.

// Components and their Args.
export { Database } from "./database";
export type { DatabaseArgs, DatabaseUserSpec } from "./database";
export { DatabaseProxy } from "./proxy";
export type { DatabaseProxyArgs } from "./proxy";
export { DatabaseAccessRole, assumeRolePolicy } from "./accessRole";
export type {
    DatabaseAccessRoleArgs,
    DatabaseGrant,
    Grant,
    ProxyGrant,
    ResourceIdGrant,
    WorkloadService,
} from "./accessRole";

// The IAM database user resource and its provider.
export { DatabaseUser } from "./databaseUser";
export type { AssumeRole, AwsAccess, DatabaseUserArgs, MasterCredentials } from "./databaseUser";
export { databaseUserProvider } from "./provider/provider";

// Pure builders for rds-db:connect ARNs and policies.
export { connectPolicyDocument, dbUserArn, dbUserArnProblems } from "./connectPolicy";
export type {
    ConnectGrant,
    DbUserArnArgs,
    ProxyConnectGrant,
    Partition,
    PolicyDocument,
    PolicyStatement,
} from "./connectPolicy";

// Engines and the privilege vocabulary users are given.
export { ENGINES, engineFamily, isEngine } from "./engines";
export type { Engine, EngineFamily } from "./engines";
export { PRIVILEGES } from "./validation";

// client: app-side IAM-token connection helper (also importable alone as "rds-iam/client").
export * as client from "./client";
export { getConnectionOptions } from "./client";
