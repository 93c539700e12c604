/**
 * The arguments of `Database` and their validation. Validation runs at construction (preview time)
 * and reports every problem at once, each naming the property and the fix.
 */
import * as pulumi from "@pulumi/pulumi";
import { Engine, engineFacts } from "./engines";
import {
    ValidationFailure,
    failuresAt,
    privilegesNeedDatabaseProblems,
    usernameProblems,
    validateDatabaseName,
    validateEngine,
    validatePrivileges,
    validateUsername,
} from "./validation";

export { throwIfInvalid } from "./errors";

/** A database user that logs in with IAM tokens. */
export interface DatabaseUserSpec {
    /** User name, case-exact (it appears as-is in the rds-db:connect ARN). */
    readonly username: string;
    /**
     * Privileges on the database (see `PRIVILEGES` for each engine's vocabulary).
     * @default [] (log in only)
     */
    readonly privileges?: string[];
}

export interface DatabaseArgs {
    /** Database engine. Aurora engines create a cluster, the others one instance. */
    readonly engine: Engine;
    /** Private subnets for the DB subnet group: at least two, in different availability zones. */
    readonly subnetIds: pulumi.Input<string>[];
    /** VPC of the subnets; the database security group is created in it. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * Security groups (e.g. of the workloads) allowed to reach the database port.
     * @default [] (none)
     */
    readonly allowedSecurityGroupIds?: pulumi.Input<string>[];
    /**
     * CIDR blocks allowed to reach the database port.
     * @default [] (none)
     */
    readonly allowedCidrBlocks?: string[];
    /**
     * Instance class of the instance or of every Aurora cluster instance.
     * @default "db.t4g.micro" (instance), "db.t4g.medium" (Aurora)
     */
    readonly instanceClass?: pulumi.Input<string>;
    /**
     * Name of the initial database; IAM users' privileges apply to it.
     * @default none for MySQL/MariaDB (privileges then need a database), "postgres" for PostgreSQL
     */
    readonly databaseName?: string;
    /**
     * Database users authenticated with IAM, created through the master connection.
     * @default []
     */
    readonly users?: DatabaseUserSpec[];
    /**
     * Give the database a public address. Keep it private and reach it from inside the VPC.
     * @default false
     */
    readonly publiclyAccessible?: boolean;
    /**
     * Refuse deletion of the instance/cluster.
     * @default true
     */
    readonly deletionProtection?: boolean;
    /**
     * Engine version.
     * @default see DEFAULT_ENGINE_VERSION (mysql 8.0, mariadb 10.11, postgres 16, Aurora MySQL 3, Aurora PostgreSQL 16)
     */
    readonly engineVersion?: string;
    /**
     * Aurora only: number of cluster instances (one writer plus readers).
     * @default 1
     */
    readonly instances?: number;
    /**
     * Instance engines only: a standby in a second availability zone.
     * @default false
     */
    readonly multiAz?: boolean;
    /**
     * Instance engines only: allocated storage in GiB (gp3).
     * @default 20
     */
    readonly allocatedStorage?: number;
    /**
     * Master user name. Its password is generated and kept in Secrets Manager by RDS.
     * @default "dbmaster"
     */
    readonly masterUsername?: string;
    /**
     * Days of automated backups.
     * @default 7
     */
    readonly backupRetentionDays?: number;
    /**
     * Delete without a final snapshot. Only for throwaway environments.
     * @default false
     */
    readonly skipFinalSnapshot?: boolean;
    /**
     * KMS key for storage encryption.
     * @default the AWS managed key for RDS
     */
    readonly kmsKeyId?: pulumi.Input<string>;
    /** Tags for every resource created. @default {} */
    readonly tags?: Record<string, string>;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function isCidr(value: string): boolean {
    const m = CIDR.exec(value);
    return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/** Every problem with the Args, as `{ property, reason }`; empty when they are valid. */
export function validateDatabaseArgs(args: DatabaseArgs): ValidationFailure[] {
    const failures = validateEngine(args.engine);
    if (failures.length > 0) {
        return failures; // every other rule depends on the engine
    }
    const engine = args.engine;
    const facts = engineFacts(engine);
    const aurora = facts.aurora;
    if (!Array.isArray(args.subnetIds) || args.subnetIds.length < 2) {
        failures.push({
            property: "subnetIds",
            reason: `give at least two private subnet ids in different availability zones (got ${Array.isArray(args.subnetIds) ? args.subnetIds.length : "none"})`,
        });
    }
    (args.allowedCidrBlocks ?? []).forEach((cidr, i) => {
        if (!isCidr(cidr)) {
            failures.push({
                property: `allowedCidrBlocks[${i}]`,
                reason: `${JSON.stringify(cidr)} is not an IPv4 CIDR block such as "10.0.0.0/16"`,
            });
        }
    });
    if (args.instances !== undefined) {
        if (!aurora) {
            failures.push({
                property: "instances",
                reason: `instances is Aurora-only; for ${engine} remove it (use multiAz for a standby) or choose engine ${facts.counterpart}`,
            });
        } else if (!Number.isInteger(args.instances) || args.instances < 1 || args.instances > 16) {
            failures.push({
                property: "instances",
                reason: `instances must be a whole number from 1 to 16 (got ${args.instances})`,
            });
        }
    }
    if (aurora && args.multiAz !== undefined) {
        failures.push({
            property: "multiAz",
            reason: "multiAz is for instance engines; for Aurora set instances: 2 or more",
        });
    }
    if (aurora && args.allocatedStorage !== undefined) {
        failures.push({
            property: "allocatedStorage",
            reason: "Aurora storage grows by itself; remove allocatedStorage",
        });
    }
    if (
        args.allocatedStorage !== undefined &&
        (!Number.isInteger(args.allocatedStorage) || args.allocatedStorage < 20)
    ) {
        failures.push({
            property: "allocatedStorage",
            reason: `allocatedStorage must be a whole number of GiB, at least 20 (got ${args.allocatedStorage})`,
        });
    }
    if (
        args.backupRetentionDays !== undefined &&
        (!Number.isInteger(args.backupRetentionDays) ||
            args.backupRetentionDays < 1 ||
            args.backupRetentionDays > 35)
    ) {
        failures.push({
            property: "backupRetentionDays",
            reason: `backupRetentionDays must be from 1 to 35 (got ${args.backupRetentionDays})`,
        });
    }
    if (args.databaseName !== undefined) {
        failures.push(...validateDatabaseName(engine, args.databaseName, "databaseName"));
    }
    const master = args.masterUsername ?? "dbmaster";
    if (args.masterUsername !== undefined) {
        failures.push(...failuresAt("masterUsername", usernameProblems(engine, master)));
        if (master.length > 16) {
            failures.push({
                property: "masterUsername",
                reason: `RDS master user names are at most 16 characters (got ${master.length})`,
            });
        }
    }
    const seen = new Set<string>();
    (args.users ?? []).forEach((user, i) => {
        failures.push(...validateUsername(engine, user?.username, `users[${i}].username`, master));
        failures.push(...validatePrivileges(engine, user?.privileges, `users[${i}].privileges`));
        if (seen.has(user?.username)) {
            failures.push({
                property: `users[${i}].username`,
                reason: `user "${user.username}" is listed twice; list each user once`,
            });
        }
        seen.add(user?.username);
        failures.push(
            ...failuresAt(
                `users[${i}].privileges`,
                privilegesNeedDatabaseProblems(engine, user?.privileges, args.databaseName, "databaseName"),
            ),
        );
    });
    return failures;
}
