/**
 * Validation of `DatabaseProxyArgs`. It runs at construction (preview time) and reports every
 * problem at once, each naming the Arg and the fix; `subnetPlacementProblems` is the deploy-time
 * half (a subnet's VPC and zone are only known from an invoke).
 */
import { Database } from "../database";
import { ValidationFailure, duplicateFailures } from "../validation";
import { DatabaseProxyArgs } from "./args";
import { proxySupportProblems } from "./support";

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function isCidr(value: unknown): boolean {
    const m = typeof value === "string" ? CIDR.exec(value) : null;
    return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/**
 * A proxy name as RDS accepts it (`aws.rds.Proxy` name: "must begin with a letter and must contain
 * only ASCII letters, digits, and hyphens; it can't end with a hyphen or contain two consecutive
 * hyphens"). The proxy is autonamed `<name>-<7 hex>`, so the component's name must be such a prefix.
 */
const PROXY_NAME_PREFIX = /^[A-Za-z](?:-?[A-Za-z0-9])*$/;

function wholeNumberFailure(
    property: string,
    value: unknown,
    min: number,
    max: number,
    source: string,
): ValidationFailure[] {
    if (value === undefined) return [];
    return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
        ? []
        : [
              {
                  property,
                  reason: `${property} must be a whole number from ${min} to ${max.toLocaleString("en-US")} (${source}); got ${JSON.stringify(value)}`,
              },
          ];
}

/** The users the proxy logs in as: the Args' `users`, or every IAM user of the database. */
export function proxyUsers(args: Pick<DatabaseProxyArgs, "database" | "users">): string[] {
    return [...(args.users ?? args.database?.userNames ?? [])];
}

/**
 * The problems of the settings that need no database (subnets, sources, pool and timeout, logging):
 * shared with the stack's config, which reports them under rds-iam:proxy.
 */
export function validateProxySettings(
    args: Omit<DatabaseProxyArgs, "database" | "users">,
): ValidationFailure[] {
    const failures: ValidationFailure[] = [];
    if (args.subnetIds !== undefined) {
        if (!Array.isArray(args.subnetIds) || args.subnetIds.length < 2) {
            failures.push({
                property: "subnetIds",
                reason: `give at least two subnets in different availability zones of the database's VPC (RDS User Guide, "Setting up network prerequisites for RDS Proxy"), or leave subnetIds out for the database's (got ${Array.isArray(args.subnetIds) ? args.subnetIds.length : "none"})`,
            });
        }
        failures.push(...duplicateFailures("subnetIds", args.subnetIds));
    }
    (args.allowedCidrBlocks ?? []).forEach((cidr, i) => {
        if (!isCidr(cidr)) {
            failures.push({
                property: `allowedCidrBlocks[${i}]`,
                reason: `${JSON.stringify(cidr)} is not an IPv4 CIDR block such as "10.0.0.0/16"`,
            });
        } else if (cidr.endsWith("/0")) {
            failures.push({
                property: `allowedCidrBlocks[${i}]`,
                reason: `${JSON.stringify(cidr)} admits every address; give the CIDR of your VPC or of the workloads' subnets (an RDS Proxy is reachable only from inside its VPC, RDS User Guide, "Quotas and limitations for RDS Proxy")`,
            });
        }
    });
    failures.push(...duplicateFailures("allowedCidrBlocks", args.allowedCidrBlocks));
    failures.push(...duplicateFailures("allowedSecurityGroupIds", args.allowedSecurityGroupIds));
    failures.push(
        ...wholeNumberFailure(
            "idleClientTimeout",
            args.idleClientTimeout,
            1,
            28800,
            "seconds, RDS API Reference, CreateDBProxy IdleClientTimeout",
        ),
        ...wholeNumberFailure(
            "maxConnectionsPercent",
            args.maxConnectionsPercent,
            1,
            100,
            "percent of max_connections, RDS API Reference, ConnectionPoolConfiguration",
        ),
    );
    if (args.debugLogging !== undefined && typeof args.debugLogging !== "boolean") {
        failures.push({ property: "debugLogging", reason: "debugLogging must be true or false" });
    }
    return failures;
}

/** Every problem with the Args, as `{ property, reason }`; empty when they are valid. */
export function validateProxyArgs(
    name: string,
    args: DatabaseProxyArgs,
    region: string | undefined,
): ValidationFailure[] {
    const failures: ValidationFailure[] = [];
    if (!PROXY_NAME_PREFIX.test(name)) {
        failures.push({
            property: "name",
            reason: `${JSON.stringify(name)} cannot name an RDS Proxy: use ASCII letters, digits and single hyphens, starting with a letter and not ending with a hyphen`,
        });
    }
    const database = args.database;
    if (!(database instanceof Database)) {
        failures.push({
            property: "database",
            reason: "give the rds-iam Database the proxy fronts (new DatabaseProxy(name, { database }))",
        });
        return failures; // every other rule depends on the database
    }
    failures.push(
        ...proxySupportProblems(database.engine, database.engineVersion, region).map((reason) => ({
            property: "database",
            reason,
        })),
    );
    if (args.users !== undefined && !Array.isArray(args.users)) {
        failures.push({ property: "users", reason: "users must be a list of the Database's user names" });
    } else {
        const users = proxyUsers(args);
        if (users.length === 0) {
            failures.push({
                property: "users",
                reason:
                    args.users === undefined
                        ? `database "${database.componentName}" has no IAM users, and an end-to-end IAM proxy logs in only as IAM users; add users to the Database`
                        : "list at least one of the Database's users, or leave users out for all of them",
            });
        }
        users.forEach((user, i) => {
            if (!database.userNames.includes(user)) {
                failures.push({
                    property: `users[${i}]`,
                    reason: `database "${database.componentName}" defines no user ${JSON.stringify(user)} (it has ${database.userNames.join(", ") || "none"}): the proxy could not log in as it; add it to the Database's users or fix the name`,
                });
            }
        });
        failures.push(...duplicateFailures("users", args.users));
    }
    failures.push(...validateProxySettings(args));
    return failures;
}

/** A subnet as `aws.ec2.getSubnet` describes it. */
export interface SubnetPlacement {
    readonly id: string;
    readonly vpcId: string;
    readonly availabilityZone: string;
}

/**
 * Why the proxy cannot use these subnets: RDS Proxy needs the database's VPC, and subnets in at
 * least two availability zones (RDS User Guide, "Setting up network prerequisites for RDS Proxy":
 * "a common virtual private cloud (VPC) between your RDS DB instance and RDS Proxy ... a minimum of
 * two subnets that are in different Availability Zones"). Empty when it can.
 */
export function subnetPlacementProblems(
    subnets: readonly SubnetPlacement[],
    vpcId: string,
): ValidationFailure[] {
    const failures: ValidationFailure[] = [];
    subnets.forEach((subnet, i) => {
        if (subnet.vpcId !== vpcId) {
            failures.push({
                property: `subnetIds[${i}]`,
                reason: `subnet ${subnet.id} is in ${subnet.vpcId}, not in the database's VPC ${vpcId}: RDS Proxy must share the database's VPC; give subnets of ${vpcId}`,
            });
        }
    });
    const zones = new Set(subnets.map((s) => s.availabilityZone));
    if (subnets.length > 0 && zones.size < 2) {
        failures.push({
            property: "subnetIds",
            reason: `every subnet is in ${[...zones].join(", ")}: RDS Proxy needs subnets in at least two availability zones; add a subnet of another zone`,
        });
    }
    return failures;
}
