/**
 * Validation of `DatabaseArgs`. It runs at construction (preview time) and reports every problem at
 * once, each naming the property and the fix.
 */
import { engineFacts } from "../engines";
import { engineVersionProblems } from "../engineVersions";
import {
    ValidationFailure,
    duplicateFailures,
    failuresAt,
    hostProblems,
    pemProblems,
    portProblems,
    privilegesNeedDatabaseProblems,
    usernameProblems,
    validateDatabaseName,
    validateEngine,
    validatePrivileges,
    validateUsername,
} from "../validation";
import { DatabaseArgs } from "./args";
import { IAM_ADMIN_USERNAME, MASTER_PASSWORD_CHOICES, iamMasterProblem } from "./masterPasswordRules";

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
    failures.push(...duplicateFailures("allowedCidrBlocks", args.allowedCidrBlocks));
    if (args.allowOpenCidr !== true) {
        (args.allowedCidrBlocks ?? []).forEach((cidr, i) => {
            if (typeof cidr === "string" && /\/0$/.test(cidr.trim())) {
                failures.push({
                    property: `allowedCidrBlocks[${i}]`,
                    reason: `${JSON.stringify(cidr)} opens the database port to the whole internet; give the CIDR of your VPC, VPN or bastion (or set allowOpenCidr: true if you truly mean it)`,
                });
            }
        });
    }
    if (args.sqlRunner !== undefined && args.sqlRunner !== "deployer" && args.sqlRunner !== "lambda") {
        failures.push({
            property: "sqlRunner",
            reason: `sqlRunner must be "lambda" (SQL from a function in the database's subnets) or "deployer" (from the machine running Pulumi) (got ${JSON.stringify(args.sqlRunner)})`,
        });
    }
    if (
        (args.sqlRunner ?? "lambda") === "lambda" &&
        (args.connectHost !== undefined || args.connectPort !== undefined)
    ) {
        failures.push({
            property: args.connectHost !== undefined ? "connectHost" : "connectPort",
            reason: 'connectHost/connectPort are the deployer\'s tunnel, but the users\' SQL runs in the SQL runner function (sqlRunner "lambda", the default): remove them, or set sqlRunner: "deployer"',
        });
    }
    if (
        args.runnerTimeoutSeconds !== undefined &&
        (!Number.isInteger(args.runnerTimeoutSeconds) ||
            args.runnerTimeoutSeconds < 30 ||
            args.runnerTimeoutSeconds > 900)
    ) {
        failures.push({
            property: "runnerTimeoutSeconds",
            reason: `runnerTimeoutSeconds must be a whole number from 30 to 900, Lambda's limit (got ${args.runnerTimeoutSeconds})`,
        });
    }
    if (typeof args.connectHost === "string") {
        failures.push(...failuresAt("connectHost", hostProblems(args.connectHost, "connectHost")));
    }
    if (typeof args.connectPort === "number") {
        failures.push(...failuresAt("connectPort", portProblems(args.connectPort, "connectPort")));
    }
    failures.push(...duplicateFailures("allowedSecurityGroupIds", args.allowedSecurityGroupIds));
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
    failures.push(...failuresAt("engineVersion", engineVersionProblems(engine, args.engineVersion)));
    if (args.caCertificate !== undefined) {
        failures.push(...failuresAt("caCertificate", pemProblems(args.caCertificate)));
    }
    failures.push(...masterPasswordFailures(args));
    failures.push(...iamAdminFailures(args));
    failures.push(...logRetentionFailures(args.iamAuthErrorLogRetentionDays));
    if (args.adminProvider !== undefined && typeof args.adminProvider !== "boolean") {
        failures.push({ property: "adminProvider", reason: "adminProvider must be true or false" });
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
        if (args.iamAdmin === true && user?.username === IAM_ADMIN_USERNAME)
            failures.push({
                property: `users[${i}].username`,
                reason: `"${IAM_ADMIN_USERNAME}" is the IAM admin rds-iam makes with iamAdmin: choose another name`,
            });
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

/**
 * masterPassword and what depends on it. Blue/green needs a password RDS does not manage ("Blue/green
 * deployments don't support managing master user passwords with AWS Secrets Manager"; the automated
 * backups it also needs are never off here, backupRetentionDays being 1 to 35), and exists for instances only in the provider
 * (terraform-provider-aws aws_db_instance blue_green_update; aws_rds_cluster has none).
 */
function masterPasswordFailures(args: DatabaseArgs): ValidationFailure[] {
    const failures: ValidationFailure[] = [];
    const choice = args.masterPassword ?? "managed";
    if (!MASTER_PASSWORD_CHOICES.includes(choice)) {
        failures.push({
            property: "masterPassword",
            reason: `masterPassword must be "managed" (RDS keeps it in Secrets Manager), "generated" (a Pulumi secret) or "iam" (an IAM-only master, PostgreSQL engines) (got ${JSON.stringify(args.masterPassword)})`,
        });
    } else if (choice === "iam" && engineFacts(args.engine) !== undefined) {
        const problem = iamMasterProblem(args.engine);
        if (problem !== undefined) failures.push({ property: "masterPassword", reason: problem });
    }
    for (const property of ["blueGreenUpdate", "applyImmediately"] as const) {
        if (args[property] !== undefined && typeof args[property] !== "boolean")
            failures.push({ property, reason: `${property} must be true or false` });
    }
    if (args.blueGreenUpdate === true) {
        if (engineFacts(args.engine)?.aurora)
            failures.push({
                property: "blueGreenUpdate",
                reason: "blueGreenUpdate is for instance engines: an Aurora cluster's blue/green deployment is made outside Pulumi (aws rds create-blue-green-deployment); remove it",
            });
        if (choice === "iam")
            failures.push({
                property: "blueGreenUpdate",
                reason: 'blueGreenUpdate is offered with masterPassword: "generated" only: the RDS blue/green limitations do not cover an IAM-only master (MasterUserAuthenticationType iam-db-auth), so rds-iam does not promise that its green copy keeps it; upgrade in place, or use "generated"',
            });
        else if (choice !== "generated")
            failures.push({
                property: "blueGreenUpdate",
                reason: 'RDS blue/green deployments don\'t support a master password managed in Secrets Manager (RDS User Guide, blue/green limitations): set masterPassword: "generated", or remove blueGreenUpdate and upgrade in place',
            });
    }
    return failures;
}

/** CloudWatch Logs' retention values (PutRetentionPolicy retentionInDays), 0 for never expire. */
export const LOG_RETENTION_DAYS = [
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
    3653,
] as const;

function logRetentionFailures(days: DatabaseArgs["iamAuthErrorLogRetentionDays"]): ValidationFailure[] {
    if (
        days === undefined ||
        days === false ||
        (LOG_RETENTION_DAYS as readonly number[]).includes(days as number)
    )
        return [];
    return [
        {
            property: "iamAuthErrorLogRetentionDays",
            reason: `iamAuthErrorLogRetentionDays must be one of CloudWatch Logs' retention values (${LOG_RETENTION_DAYS.join(", ")}; 0 keeps them forever) or false for no export (got ${JSON.stringify(days)})`,
        },
    ];
}

/** iamAdmin: MySQL-family engines, where RDS has no IAM-only master. */
function iamAdminFailures(args: DatabaseArgs): ValidationFailure[] {
    if (args.iamAdmin === undefined) return [];
    if (typeof args.iamAdmin !== "boolean")
        return [{ property: "iamAdmin", reason: "iamAdmin must be true or false" }];
    const facts = engineFacts(args.engine);
    if (args.iamAdmin && facts?.family === "postgres")
        return [
            {
                property: "iamAdmin",
                reason: `iamAdmin is for MySQL-family engines; on ${args.engine} RDS offers an IAM-only master: set masterPassword: "iam" instead`,
            },
        ];
    return [];
}
