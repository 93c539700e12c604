/**
 * Reads and checks the stack configuration of index.ts in one round: the stack's own rules and the
 * components' rules together, every problem named by its `rds-iam:` config key with the fix, in one
 * error. Returns typed values (Engine, WorkloadService, DatabaseArgs) so index.ts needs no casts.
 */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { WorkloadService, isWorkloadService, validateAccessRoleIdentity } from "../components/accessRole";
import { DatabaseArgs, DatabaseUserSpec, validateDatabaseArgs } from "../components/database";
import { ENGINES, Engine, engineFamily, isEngine } from "../components/engines";
import { throwIfInvalid } from "../components/errors";
import { ValidationFailure, failuresAt, pemProblems } from "../components/validation";
import { ConfigReader, PROJECT, unknownKeyFailures } from "./configKeys";
import { ProxyConfig, WorkloadRoute, WorkloadVia, checkProxyConfig, viaOf } from "./proxyConfig";

export interface WorkloadConfig {
    readonly name: string;
    readonly service: WorkloadService;
    readonly users: string[];
    readonly attachToUsers?: string[];
    /** How it reaches the database: directly (the default) or through rds-iam:proxy. */
    readonly via: WorkloadVia;
}

export interface StackConfig {
    readonly engine: Engine;
    /** The Database's Args, from the config keys of the same names. */
    readonly database: DatabaseArgs;
    readonly databaseName: string;
    readonly users: DatabaseUserSpec[];
    readonly workloads: WorkloadConfig[];
    readonly reportingDatabase: boolean;
    /** The DatabaseProxy's Args (but the database) when rds-iam:proxy is enabled. */
    readonly proxy?: ProxyConfig;
}

const ID_PATTERNS = {
    vpcId: { pattern: /^vpc-[0-9a-f]{8,17}$/, what: "a VPC id such as vpc-0a1b2c3d4e5f60789" },
    subnetIds: { pattern: /^subnet-[0-9a-f]{8,17}$/, what: "a subnet id such as subnet-0aa1bb2cc3dd4ee51" },
    allowedSecurityGroupIds: {
        pattern: /^sg-[0-9a-f]{8,17}$/,
        what: "a security group id such as sg-0123456789abcdef0",
    },
} as const;

function idFailures(
    key: keyof typeof ID_PATTERNS,
    values: (string | undefined)[],
    indexed: boolean,
): ValidationFailure[] {
    const { pattern, what } = ID_PATTERNS[key];
    return values.flatMap((value, i) =>
        value === undefined || pattern.test(value)
            ? []
            : [
                  {
                      property: `${PROJECT}:${key}${indexed ? `[${i}]` : ""}`,
                      reason: /replace_me/i.test(value)
                          ? `${JSON.stringify(value)} is a placeholder of the example stack file; put ${what} of your account there`
                          : `${JSON.stringify(value)} is not ${what}`,
                  },
              ],
    );
}

function usersOf(reader: ConfigReader): { users: DatabaseUserSpec[]; failures: ValidationFailure[] } {
    const raw = reader.object<unknown[]>("users") ?? [];
    const failures: ValidationFailure[] = [];
    if (raw.length === 0 && !reader.failures.some((f) => f.property === `${PROJECT}:users`)) {
        // A stack without IAM users grants nothing: almost always a misspelt or missing key, and a
        // rehearsal of it would "pass" with nothing checked. Refuse it rather than warn.
        failures.push({
            property: `${PROJECT}:users`,
            reason: "no IAM database users; list at least one { username, privileges } (pulumi config set --path 'rds-iam:users[0].username' app_rw)",
        });
    }
    const users = raw.flatMap((u, i) => {
        if (typeof u !== "object" || u === null || Array.isArray(u)) {
            failures.push({
                property: `${PROJECT}:users[${i}]`,
                reason: "must be { username, privileges? }",
            });
            return [];
        }
        return [u as DatabaseUserSpec];
    });
    return { users, failures };
}

function workloadsOf(
    reader: ConfigReader,
    userNames: string[],
): { workloads: WorkloadConfig[]; routes: WorkloadRoute[]; failures: ValidationFailure[] } {
    const raw = reader.object<unknown[]>("workloads") ?? [];
    const failures: ValidationFailure[] = [];
    const names: string[] = [];
    const workloads: WorkloadConfig[] = [];
    const routes: WorkloadRoute[] = [];
    raw.forEach((item, i) => {
        const at = `${PROJECT}:workloads[${i}]`;
        if (typeof item !== "object" || item === null || Array.isArray(item)) {
            failures.push({ property: at, reason: "must be { name, service, users, attachToUsers?, via? }" });
            return;
        }
        const w = item as Record<string, unknown>;
        if (typeof w.name !== "string" || !/^[a-z][a-z0-9-]{0,30}$/.test(w.name)) {
            failures.push({
                property: `${at}.name`,
                reason: `workload name ${JSON.stringify(w.name)} must be lower-case letters, digits and dashes, starting with a letter`,
            });
        } else if (names.includes(w.name)) {
            failures.push({
                property: `${at}.name`,
                reason: `workload "${w.name}" is listed twice; give each workload its own name`,
            });
        }
        names.push(String(w.name));
        const users = Array.isArray(w.users) ? w.users : [];
        if (users.length === 0) {
            failures.push({
                property: `${at}.users`,
                reason: "list at least one database user this workload logs in as",
            });
        }
        users.forEach((u, j) => {
            if (typeof u !== "string" || !userNames.includes(u)) {
                failures.push({
                    property: `${at}.users[${j}]`,
                    reason: `user ${JSON.stringify(u)} is not defined in ${PROJECT}:users (${userNames.join(", ") || "none"}); add it there or fix the name`,
                });
            }
        });
        const attachToUsers = w.attachToUsers === undefined ? undefined : w.attachToUsers;
        if (attachToUsers !== undefined && !Array.isArray(attachToUsers)) {
            failures.push({ property: `${at}.attachToUsers`, reason: "must be a list of IAM user names" });
        }
        // The component's own rules (services, IAM user names), under this workload's keys.
        const identity = validateAccessRoleIdentity({
            service: w.service as WorkloadService,
            attachToUsers: Array.isArray(attachToUsers) ? (attachToUsers as string[]) : undefined,
        });
        failures.push(...identity.map((f) => ({ property: `${at}.${f.property}`, reason: f.reason })));
        const via = viaOf(w.via, at);
        failures.push(...via.failures);
        routes.push({
            index: i,
            via: via.via,
            users: users.filter((u): u is string => typeof u === "string"),
        });
        if (isWorkloadService(w.service)) {
            workloads.push({
                name: String(w.name),
                service: w.service,
                via: via.via,
                users: users.filter((u): u is string => typeof u === "string"),
                ...(Array.isArray(attachToUsers) ? { attachToUsers: attachToUsers as string[] } : {}),
            });
        }
    });
    return { workloads, routes, failures };
}

function caCertificateOf(reader: ConfigReader, readFile: (path: string) => string): string | undefined {
    const file = reader.string("caBundleFile");
    if (file === undefined) return undefined;
    let pem: string;
    try {
        pem = readFile(file);
    } catch (e) {
        reader.failures.push({
            property: `${PROJECT}:caBundleFile`,
            reason: `cannot read ${file} (${(e as Error).message}); give the path of a PEM bundle, e.g. the region's RDS bundle`,
        });
        return undefined;
    }
    reader.failures.push(...failuresAt(`${PROJECT}:caBundleFile`, pemProblems(pem)));
    return pem;
}

/** The component's property path as the config key it came from. */
function configKeyOf(property: string): string {
    return `${PROJECT}:${property.replace(/^caCertificate\b/, "caBundleFile")}`;
}

/** Every problem of the stack's config, or the typed config; pure over the raw values. */
export function checkStackConfig(
    raw: Record<string, string>,
    readFile: (path: string) => string = (p) => fs.readFileSync(p, "utf8"),
): { config?: StackConfig; failures: ValidationFailure[] } {
    const reader = new ConfigReader(raw);
    const failures: ValidationFailure[] = [...unknownKeyFailures(raw)];
    const engineName = reader.string("engine") ?? "postgres";
    if (!isEngine(engineName)) {
        failures.push({
            property: `${PROJECT}:engine`,
            reason: `unknown engine ${JSON.stringify(engineName)}; use one of ${ENGINES.join(", ")}`,
        });
    }
    const vpcId = reader.required("vpcId", "vpc-0a1b2c3d4e5f60789");
    const subnetIds = reader.strings("subnetIds");
    if (subnetIds === undefined && !reader.has("subnetIds")) {
        reader.failures.push({
            property: `${PROJECT}:subnetIds`,
            reason: `required; pulumi config set --path '${PROJECT}:subnetIds[0]' subnet-…, and [1] in another availability zone`,
        });
    }
    const securityGroups = reader.strings("allowedSecurityGroupIds") ?? [];
    failures.push(
        ...idFailures("vpcId", [vpcId], false),
        ...idFailures("subnetIds", subnetIds ?? [], true),
        ...idFailures("allowedSecurityGroupIds", securityGroups, true),
    );
    const { users, failures: userFailures } = usersOf(reader);
    const userNames = users.map((u) => u.username).filter((u) => typeof u === "string");
    const { workloads, routes, failures: workloadFailures } = workloadsOf(reader, userNames);
    failures.push(...userFailures, ...workloadFailures);

    const adminProvider = reader.boolean("adminProvider");
    const reportingDatabase = reader.boolean("reportingDatabase");
    const connectPort = reader.integer("connectPort");
    const database = {
        engine: engineName as Engine,
        vpcId: vpcId ?? "",
        subnetIds: subnetIds ?? [],
        allowedCidrBlocks: reader.strings("allowedCidrBlocks") ?? [],
        allowOpenCidr: reader.boolean("allowOpenCidr"),
        allowedSecurityGroupIds: securityGroups,
        databaseName: reader.string("databaseName") ?? "app",
        engineVersion: reader.string("engineVersion"),
        instanceClass: reader.string("instanceClass"),
        instances: reader.integer("instances"),
        multiAz: reader.boolean("multiAz"),
        deletionProtection: reader.boolean("deletionProtection") ?? true,
        skipFinalSnapshot: reader.boolean("skipFinalSnapshot") ?? false,
        users,
        adminProvider: adminProvider ?? (isEngine(engineName) && engineFamily(engineName) === "postgres"),
        caCertificate: caCertificateOf(reader, readFile),
        connectHost: reader.string("connectHost"),
        connectPort,
        sqlRunner: reader.string("sqlRunner") as DatabaseArgs["sqlRunner"],
        masterPassword: reader.string("masterPassword") as DatabaseArgs["masterPassword"],
        iamAdmin: reader.boolean("iamAdmin"),
    } satisfies DatabaseArgs;
    // Off unless asked: the admin provider connects from the deployer, which the SQL runner spares the
    // default stack (it then deploys from any machine with AWS credentials).
    const reporting = reportingDatabase ?? false;
    if (reporting && !database.adminProvider) {
        failures.push({
            property: `${PROJECT}:reportingDatabase`,
            reason: `the reporting database is made through the admin provider, which is off (${PROJECT}:adminProvider; on MySQL/MariaDB it verifies TLS against the deployer's system trust store, see README "Deploying for real"); set ${PROJECT}:reportingDatabase false, or ${PROJECT}:adminProvider true`,
        });
    }
    const proxy = isEngine(engineName)
        ? checkProxyConfig({
              raw: reader.object<unknown>("proxy", "object"),
              engine: engineName,
              engineVersion: database.engineVersion,
              region: raw["aws:region"],
              userNames,
              workloads: routes,
              allowedSecurityGroupIds: securityGroups,
              allowedCidrBlocks: database.allowedCidrBlocks,
          })
        : { failures: [] };
    failures.push(...proxy.failures);
    failures.push(...reader.failures);
    if (isEngine(engineName)) {
        // The Database's own rules, reported under the config keys they came from.
        const componentFailures = validateDatabaseArgs(database).filter(
            // Missing vpcId/subnetIds are already reported as config keys.
            (f) => !(f.property === "subnetIds" && subnetIds === undefined),
        );
        failures.push(
            ...componentFailures.map((f) => ({ property: configKeyOf(f.property), reason: f.reason })),
        );
    }
    const unique = failures.filter(
        (f, i) => failures.findIndex((g) => g.property === f.property && g.reason === f.reason) === i,
    );
    if (unique.length > 0) {
        return { failures: unique };
    }
    return {
        failures: [],
        config: {
            engine: database.engine,
            database,
            databaseName: database.databaseName,
            users,
            workloads,
            reportingDatabase: reporting,
            ...(proxy.proxy === undefined ? {} : { proxy: proxy.proxy }),
        },
    };
}

/** The stack's typed configuration; throws one InputPropertiesError listing every problem. */
export function readStackConfig(raw: Record<string, string> = pulumi.runtime.allConfig()): StackConfig {
    const { config, failures } = checkStackConfig(raw);
    throwIfInvalid(`stack "${pulumi.getStack()}" configuration`, failures);
    return config as StackConfig;
}
