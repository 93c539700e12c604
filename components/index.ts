// The rds-iam component library: the public contract is described in DESIGN.md.
export * from "./engines";
export * from "./validation";
export { DatabaseUser, DatabaseUserArgs, MasterCredentials } from "./databaseUser";
export { databaseUserProvider } from "./provider/provider";

// --- client (issue 5): app-side IAM-token connection helper ---
export * as client from "./client";
export { getConnectionOptions } from "./client";
