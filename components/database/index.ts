// The Database component and its Args.
export { Database } from "./database";
export { DatabaseArgs, DatabaseUserSpec } from "./args";
export { validateDatabaseArgs } from "./validateArgs";
