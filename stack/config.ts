/**
 * Reads and checks the stack configuration of index.ts. Every problem is reported at once, naming
 * the config key (`rds-iam:<key>`) and the fix; the components then check their own Args.
 */
import * as pulumi from "@pulumi/pulumi";
import { ENGINES, engineFamily, isEngine } from "../components/engines";
import { throwIfInvalid } from "../components/errors";
import { ValidationFailure } from "../components/validation";

export interface WorkloadConfig {
    readonly name: string;
    readonly service: string;
    readonly users: string[];
    readonly attachToUsers?: string[];
}

export interface StackConfig {
    readonly engine: string;
    readonly vpcId: string;
    readonly subnetIds: string[];
    readonly allowedCidrBlocks: string[];
    readonly allowedSecurityGroupIds: string[];
    readonly databaseName: string;
    readonly engineVersion?: string;
    readonly instanceClass?: string;
    readonly instances?: number;
    readonly multiAz?: boolean;
    readonly deletionProtection: boolean;
    readonly skipFinalSnapshot: boolean;
    readonly users: { username: string; privileges?: string[] }[];
    readonly workloads: WorkloadConfig[];
    readonly reportingDatabase: boolean;
    readonly adminProvider: boolean;
}

const SERVICES = ["ec2", "lambda", "ecs-tasks"];

export function readStackConfig(config: pulumi.Config): StackConfig {
    const engine = config.get("engine") ?? "postgres";
    const aurora = engine.startsWith("aurora-");
    const adminProvider =
        config.getBoolean("adminProvider") ?? (isEngine(engine) && engineFamily(engine) === "postgres");
    const stack: StackConfig = {
        engine,
        vpcId: config.require("vpcId"),
        subnetIds: config.requireObject<string[]>("subnetIds"),
        allowedCidrBlocks: config.getObject<string[]>("allowedCidrBlocks") ?? [],
        allowedSecurityGroupIds: config.getObject<string[]>("allowedSecurityGroupIds") ?? [],
        databaseName: config.get("databaseName") ?? "app",
        engineVersion: config.get("engineVersion") || undefined,
        instanceClass: config.get("instanceClass") || undefined,
        instances: config.getNumber("instances") || undefined,
        multiAz: aurora ? undefined : config.getBoolean("multiAz"),
        deletionProtection: config.getBoolean("deletionProtection") ?? true,
        skipFinalSnapshot: config.getBoolean("skipFinalSnapshot") ?? false,
        users: config.getObject<StackConfig["users"]>("users") ?? [],
        workloads: config.getObject<WorkloadConfig[]>("workloads") ?? [],
        adminProvider,
        reportingDatabase: config.getBoolean("reportingDatabase") ?? adminProvider,
    };
    throwIfInvalid("stack config", validateStackConfig(stack));
    return stack;
}

export function validateStackConfig(stack: StackConfig): ValidationFailure[] {
    const failures: ValidationFailure[] = [];
    if (!isEngine(stack.engine)) {
        failures.push({
            property: "rds-iam:engine",
            reason: `unknown engine ${JSON.stringify(stack.engine)}; use one of ${ENGINES.join(", ")}`,
        });
    }
    if (stack.reportingDatabase && !stack.adminProvider) {
        failures.push({
            property: "rds-iam:reportingDatabase",
            reason: `the reporting database is made through the admin provider, which is off (rds-iam:adminProvider; on MySQL/MariaDB it verifies TLS against the deployer's system trust store, see README "Deploying for real"); set rds-iam:reportingDatabase false, or rds-iam:adminProvider true`,
        });
    }
    const defined = new Set(stack.users.map((u) => u.username));
    const names = new Set<string>();
    stack.workloads.forEach((w, i) => {
        const at = `rds-iam:workloads[${i}]`;
        if (typeof w.name !== "string" || !/^[a-z][a-z0-9-]{0,30}$/.test(w.name)) {
            failures.push({
                property: `${at}.name`,
                reason: `workload name ${JSON.stringify(w.name)} must be lower-case letters, digits and dashes, starting with a letter`,
            });
        } else if (names.has(w.name)) {
            failures.push({
                property: `${at}.name`,
                reason: `workload "${w.name}" is listed twice; give each workload its own name`,
            });
        }
        names.add(w.name);
        if (!SERVICES.includes(w.service)) {
            failures.push({
                property: `${at}.service`,
                reason: `unknown service ${JSON.stringify(w.service)}; use one of ${SERVICES.join(", ")}`,
            });
        }
        if (!Array.isArray(w.users) || w.users.length === 0) {
            failures.push({
                property: `${at}.users`,
                reason: "list at least one database user this workload logs in as",
            });
        }
        (w.users ?? []).forEach((u, j) => {
            if (!defined.has(u)) {
                failures.push({
                    property: `${at}.users[${j}]`,
                    reason: `user ${JSON.stringify(u)} is not defined in rds-iam:users (${[...defined].join(", ") || "none"}); add it there or fix the name`,
                });
            }
        });
    });
    return failures;
}
