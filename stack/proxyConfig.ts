/**
 * The stack's `rds-iam:proxy` key (an end-to-end IAM RDS Proxy in front of the database, off by
 * default) and each workload's `via`: read, checked with the DatabaseProxy's own rules, and every
 * problem named by its config key with the fix.
 *
 * The proxy's users default to exactly the users workloads reach through it (`via: proxy`): the
 * policy pack refuses a proxy role that may connect as a user no workload is granted through the
 * proxy (rds-iam-proxy-role-users), and one that may not connect as a user a workload is granted
 * through it (rds-iam-proxy-role-connects), so the config refuses both mismatches at once.
 */
import { Engine } from "../components/engines";
import { DatabaseProxyArgs, proxySupportProblems, validateProxySettings } from "../components/proxy";
import { ValidationFailure } from "../components/validation";
import { PROJECT } from "./configKeys";

export type WorkloadVia = "proxy" | "database";

/** How one workload of rds-iam:workloads (at `index`) connects, and as which users. */
export interface WorkloadRoute {
    readonly index: number;
    readonly via: WorkloadVia;
    readonly users: readonly string[];
}

/** The DatabaseProxy's Args from the config, but the database. */
export type ProxyConfig = Omit<DatabaseProxyArgs, "database"> & { readonly users: string[] };

const KEY = `${PROJECT}:proxy`;
const FIELDS = [
    "enabled",
    "users",
    "allowedSecurityGroupIds",
    "allowedCidrBlocks",
    "subnetIds",
    "idleClientTimeout",
    "maxConnectionsPercent",
    "debugLogging",
] as const;
const SECURITY_GROUP = /^sg-[0-9a-f]{8,17}$/;
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;

/** `via` of one workload: "database" unless it says "proxy"; a failure for anything else. */
export function viaOf(value: unknown, at: string): { via: WorkloadVia; failures: ValidationFailure[] } {
    if (value === undefined || value === "database") return { via: "database", failures: [] };
    if (value === "proxy") return { via: "proxy", failures: [] };
    return {
        via: "database",
        failures: [
            {
                property: `${at}.via`,
                reason: `via must be "proxy" (through ${KEY}) or "database" (directly, the default); got ${JSON.stringify(value)}`,
            },
        ],
    };
}

/** A boolean given in YAML (true) or with pulumi config set --path (the string "true"). */
function booleanOf(value: unknown): boolean | undefined {
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    return undefined;
}

/** A whole number given in YAML (600) or with pulumi config set --path (the string "600"). */
function numberOf(value: unknown): unknown {
    return typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
}

function idFailures(field: string, values: unknown, pattern: RegExp, what: string): ValidationFailure[] {
    if (values === undefined) return [];
    if (!Array.isArray(values))
        return [{ property: `${KEY}.${field}`, reason: `must be a list of ${what}s` }];
    return values.flatMap((v, i) =>
        typeof v === "string" && pattern.test(v)
            ? []
            : [
                  {
                      property: `${KEY}.${field}[${i}]`,
                      reason: /replace_me/i.test(String(v))
                          ? `${JSON.stringify(v)} is a placeholder of the example stack file; put ${what} of your account there`
                          : `${JSON.stringify(v)} is not ${what}`,
                  },
              ],
    );
}

export interface ProxyConfigInput {
    /** The raw value of rds-iam:proxy, parsed; undefined when unset. */
    readonly raw: unknown;
    readonly engine: Engine;
    readonly engineVersion?: string;
    readonly region?: string;
    /** rds-iam:users' names. */
    readonly userNames: readonly string[];
    /** Per workload: its users and how it connects. */
    readonly workloads: readonly WorkloadRoute[];
    /** The database's allowed sources: the proxy's defaults. */
    readonly allowedSecurityGroupIds: readonly string[];
    readonly allowedCidrBlocks: readonly string[];
}

/** The proxy's Args (undefined when not enabled) and every problem of rds-iam:proxy and the workloads' via. */
export function checkProxyConfig(input: ProxyConfigInput): {
    proxy?: ProxyConfig;
    failures: ValidationFailure[];
} {
    const failures: ValidationFailure[] = [];
    const raw = input.raw;
    const throughProxy = input.workloads.filter((w) => w.via === "proxy").map((w) => ({ ...w, i: w.index }));
    if (raw !== undefined && (typeof raw !== "object" || raw === null || Array.isArray(raw))) {
        return {
            failures: [
                {
                    property: KEY,
                    reason: `must be an object such as { enabled: true } (pulumi config set --path '${KEY}.enabled' true)`,
                },
            ],
        };
    }
    const given = (raw ?? {}) as Record<string, unknown>;
    for (const field of Object.keys(given).filter((f) => !(FIELDS as readonly string[]).includes(f))) {
        failures.push({
            property: `${KEY}.${field}`,
            reason: `unknown setting; the settings are ${FIELDS.join(", ")}`,
        });
    }
    const enabled = booleanOf(given.enabled);
    if (given.enabled !== undefined && enabled === undefined) {
        failures.push({
            property: `${KEY}.enabled`,
            reason: `must be true or false (got ${JSON.stringify(given.enabled)})`,
        });
    } else if (enabled === undefined && Object.keys(given).length > 0) {
        failures.push({
            property: `${KEY}.enabled`,
            reason: `set ${KEY}.enabled true to create the proxy (it is off by default), or remove ${KEY}`,
        });
    }
    if (enabled !== true) {
        throughProxy.forEach((w) =>
            failures.push({
                property: `${PROJECT}:workloads[${w.i}].via`,
                reason: `this workload connects through the proxy, but ${KEY} is not enabled; set ${KEY}.enabled true, or via "database"`,
            }),
        );
        return { failures };
    }

    // The users: by default exactly those workloads reach through the proxy.
    const reached = [...new Set(throughProxy.flatMap((w) => w.users))];
    let users = reached;
    if (given.users !== undefined) {
        if (!Array.isArray(given.users) || !given.users.every((u) => typeof u === "string")) {
            failures.push({
                property: `${KEY}.users`,
                reason: "must be a list of user names from rds-iam:users",
            });
        } else {
            users = given.users as string[];
            users.forEach((u, j) => {
                if (!input.userNames.includes(u)) {
                    failures.push({
                        property: `${KEY}.users[${j}]`,
                        reason: `user ${JSON.stringify(u)} is not defined in ${PROJECT}:users (${input.userNames.join(", ") || "none"}); add it there or fix the name`,
                    });
                } else if (!reached.includes(u)) {
                    failures.push({
                        property: `${KEY}.users[${j}]`,
                        reason: `no workload reaches "${u}" through the proxy, and the policy pack refuses a proxy role that may connect as such a user (rds-iam-proxy-role-users); remove it, or give a workload of "${u}" via: proxy`,
                    });
                }
            });
            throughProxy.forEach((w) =>
                w.users.forEach((u) => {
                    if (!users.includes(u))
                        failures.push({
                            property: `${PROJECT}:workloads[${w.i}].users[${w.users.indexOf(u)}]`,
                            reason: `user "${u}" is not one of ${KEY}.users (${users.join(", ")}), so the proxy could not log in as it; add it there, or connect this workload via "database"`,
                        });
                }),
            );
        }
    }
    if (users.length === 0 && given.users === undefined) {
        failures.push({
            property: KEY,
            reason: `the proxy would log in as nobody: give at least one of ${PROJECT}:workloads via: proxy, or set ${KEY}.enabled false`,
        });
    }
    failures.push(
        ...proxySupportProblems(input.engine, input.engineVersion, input.region).map((reason) => ({
            property: KEY,
            reason,
        })),
        ...idFailures(
            "allowedSecurityGroupIds",
            given.allowedSecurityGroupIds,
            SECURITY_GROUP,
            "a security group id such as sg-0123456789abcdef0",
        ),
        ...idFailures("subnetIds", given.subnetIds, SUBNET, "a subnet id such as subnet-0aa1bb2cc3dd4ee51"),
    );
    if (given.allowedCidrBlocks !== undefined && !Array.isArray(given.allowedCidrBlocks)) {
        failures.push({ property: `${KEY}.allowedCidrBlocks`, reason: "must be a list of CIDR blocks" });
    }
    const debugLogging = booleanOf(given.debugLogging);
    if (given.debugLogging !== undefined && debugLogging === undefined) {
        failures.push({
            property: `${KEY}.debugLogging`,
            reason: `must be true or false (got ${JSON.stringify(given.debugLogging)})`,
        });
    }
    const proxy: ProxyConfig = {
        users,
        allowedSecurityGroupIds: Array.isArray(given.allowedSecurityGroupIds)
            ? (given.allowedSecurityGroupIds as string[])
            : [...input.allowedSecurityGroupIds],
        allowedCidrBlocks: Array.isArray(given.allowedCidrBlocks)
            ? (given.allowedCidrBlocks as string[])
            : [...input.allowedCidrBlocks],
        ...(Array.isArray(given.subnetIds) ? { subnetIds: given.subnetIds as string[] } : {}),
        ...(given.idleClientTimeout === undefined
            ? {}
            : { idleClientTimeout: numberOf(given.idleClientTimeout) as number }),
        ...(given.maxConnectionsPercent === undefined
            ? {}
            : { maxConnectionsPercent: numberOf(given.maxConnectionsPercent) as number }),
        ...(debugLogging === undefined ? {} : { debugLogging }),
    };
    // The component's own rules, under rds-iam:proxy's keys.
    failures.push(
        ...validateProxySettings(proxy).map((f) => ({ property: `${KEY}.${f.property}`, reason: f.reason })),
    );
    return { proxy, failures };
}
