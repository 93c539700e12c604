// The rds-iam component library: the public contract is described in DESIGN.md.
export * from "./engines";
export * from "./validation";
export { DatabaseUser, DatabaseUserArgs, MasterCredentials } from "./databaseUser";
export { databaseUserProvider } from "./provider/provider";
