/** The master password's choices and RDS's rules for it: pure, for the component and the local cloud. */
import { ENGINES, Engine, engineFacts } from "../engines";

export type MasterPasswordChoice = "managed" | "generated" | "iam";

export const MASTER_PASSWORD_CHOICES: readonly MasterPasswordChoice[] = ["managed", "generated", "iam"];

/**
 * The engines RDS offers an IAM-only master on: MasterUserAuthenticationType "iam-db-auth" "is only
 * valid for RDS for PostgreSQL and Aurora PostgreSQL engines" (RDS API Reference, CreateDBInstance,
 * ModifyDBInstance, CreateDBCluster and ModifyDBCluster, MasterUserAuthenticationType).
 */
export const IAM_MASTER_ENGINES: readonly Engine[] = ENGINES.filter((e) => engineFacts(e).iamOnlyMaster);

/** Why `engine` cannot have masterPassword "iam", if it cannot. */
export function iamMasterProblem(engine: Engine): string | undefined {
    if (engineFacts(engine).iamOnlyMaster) return undefined;
    return `masterPassword "iam" (MasterUserAuthenticationType iam-db-auth) is offered by RDS only for ${IAM_MASTER_ENGINES.join(" and ")} ("only valid for RDS for PostgreSQL and Aurora PostgreSQL engines", RDS API Reference); on ${engine} use "managed" or "generated"`;
}

/**
 * RDS master password rules (RDS API Reference, CreateDBInstance and CreateDBCluster,
 * MasterUserPassword): 8 to 41 characters on MySQL, MariaDB and Aurora clusters, 8 to 128 on RDS for
 * PostgreSQL; any printable ASCII character except "/", '"', "@" and space. The generated password
 * keeps to the shortest limit and to symbols no connection string or shell quoting mangles.
 */
export const GENERATED_PASSWORD_LENGTH = 40;
export const GENERATED_PASSWORD_SYMBOLS = "-_.~!*";

/** The longest master password the engine's create call accepts. */
export function maximumMasterPasswordLength(engine: Engine): number {
    return engineFacts(engine).maxMasterPasswordLength;
}

/** Why `password` would be refused by RDS as the master password of `engine`, if it would. */
export function masterPasswordProblem(engine: Engine, password: string): string | undefined {
    const max = maximumMasterPasswordLength(engine);
    if (password.length < 8 || password.length > max)
        return `the master password must be 8 to ${max} characters on ${engine} (got ${password.length})`;
    if (!/^[\x21-\x7e]+$/.test(password) || /[/"@]/.test(password))
        return 'the master password may hold printable ASCII characters except "/", \'"\', "@" and space';
    return undefined;
}

/**
 * The IAM admin's name (DatabaseArgs.iamAdmin): not "rds…", a prefix RDS keeps for its own accounts
 * (rdsadmin, rdsrepladmin, rds_superuser_role).
 */
export const IAM_ADMIN_USERNAME = "iam_admin";
