/**
 * DatabaseAccessRole: the IAM identity of a workload (an EC2 instance profile, a Lambda function,
 * an ECS task — or an existing role, IAM users and groups) with one managed policy allowing
 * `rds-db:connect` as exactly the granted database users.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    ConnectGrant,
    accountIdProblems,
    arnUsernameProblems,
    connectPolicyDocument,
    proxyGrantProblem,
    regionProblems,
    resourceIdProblems,
} from "./connectPolicy";
import { Database } from "./database";
import { DatabaseProxy } from "./proxy";
import { awsFacts } from "./awsFacts";
import { childName } from "./childNames";
import { throwIfInvalid } from "./errors";
import { ValidationFailure, duplicateFailures } from "./validation";

export type WorkloadService = "ec2" | "lambda" | "ecs-tasks";
/** The AWS services a new role can be made for. */
export const WORKLOAD_SERVICES: readonly WorkloadService[] = ["ec2", "lambda", "ecs-tasks"];

export function isWorkloadService(value: unknown): value is WorkloadService {
    return typeof value === "string" && (WORKLOAD_SERVICES as readonly string[]).includes(value);
}

/** A user of a `Database` of this program. */
export interface DatabaseGrant {
    /** The database; its resource id, region and account are used. */
    readonly database: Database;
    /** One of the database's `users`, case-exact. */
    readonly username: string;
}

/** A user of any database, addressed by resource id (e.g. one managed by another stack). */
export interface ResourceIdGrant {
    /** `db-…` DbiResourceId, `cluster-…` DbClusterResourceId or `prx-…` RDS Proxy id. */
    readonly resourceId: pulumi.Input<string>;
    /** Database user name, case-exact. */
    readonly username: string;
    /** Region of the database. @default the provider's region */
    readonly region?: pulumi.Input<string>;
    /** Account of the database. @default the caller's account */
    readonly accountId?: pulumi.Input<string>;
}

/**
 * A user of a `DatabaseProxy` of this program, reached through the proxy: the policy names the
 * proxy's `prx-…` id (`dbuser:prx-…/<username>`), and nothing on the database itself.
 */
export interface ProxyGrant {
    /** The proxy; its `prx-…` id, region and account are used. */
    readonly proxy: DatabaseProxy;
    /** One of the proxy's users, case-exact. */
    readonly username: string;
}

export type Grant = DatabaseGrant | ResourceIdGrant | ProxyGrant;

export interface DatabaseAccessRoleArgs {
    /**
     * The AWS service that assumes the new role. Give this or `existingRoleName`.
     * ec2 also gets an instance profile; lambda gets the basic execution and VPC access policies.
     */
    readonly service?: WorkloadService;
    /** Attach the connect policy to this existing role instead of creating one. */
    readonly existingRoleName?: pulumi.Input<string>;
    /**
     * Create an EC2 instance profile for the role (service "ec2" only).
     * @default true for "ec2"
     */
    readonly instanceProfile?: boolean;
    /**
     * The database users this identity may log in as: `{ database, username }` (directly),
     * `{ proxy, username }` (through a DatabaseProxy only) or `{ resourceId, username }`. At least one.
     */
    readonly grants: Grant[];
    /**
     * Existing IAM users that get the same policy (e.g. people connecting from a laptop).
     * @default []
     */
    readonly attachToUsers?: pulumi.Input<string>[];
    /**
     * Existing IAM groups that get the same policy.
     * @default []
     */
    readonly attachToGroups?: pulumi.Input<string>[];
    /** Permissions boundary for the new role. @default none */
    readonly permissionsBoundary?: pulumi.Input<string>;
    /** Tags for every resource created. @default {} */
    readonly tags?: Record<string, string>;
}

const SERVICE_PRINCIPAL: Readonly<Record<WorkloadService, string>> = {
    ec2: "ec2.amazonaws.com",
    lambda: "lambda.amazonaws.com",
    "ecs-tasks": "ecs-tasks.amazonaws.com",
};

/** Trust policy letting one AWS service assume the role. */
export function assumeRolePolicy(service: WorkloadService): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Principal: { Service: SERVICE_PRINCIPAL[service] }, Action: "sts:AssumeRole" },
        ],
    });
}

function isDatabaseGrant(grant: Grant): grant is DatabaseGrant {
    return (grant as DatabaseGrant).database !== undefined;
}

function isProxyGrant(grant: Grant): grant is ProxyGrant {
    return (grant as ProxyGrant).proxy !== undefined;
}

/** IAM user and group names: letters, digits and + = , . @ _ - (64 / 128 characters; IAM User Guide, "IAM object quotas"). */
const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_GROUP_NAME = /^[\w+=,.@-]{1,128}$/;

function iamNameFailures(
    property: string,
    values: readonly unknown[] | undefined,
    kind: "user" | "group",
): ValidationFailure[] {
    const pattern = kind === "user" ? IAM_USER_NAME : IAM_GROUP_NAME;
    const failures: ValidationFailure[] = [];
    (values ?? []).forEach((value, i) => {
        if (typeof value === "string" && !pattern.test(value)) {
            failures.push({
                property: `${property}[${i}]`,
                reason: `${JSON.stringify(value)} is not an IAM ${kind} name: use up to ${kind === "user" ? 64 : 128} letters, digits and + = , . @ _ -`,
            });
        }
    });
    return [...failures, ...duplicateFailures(property, values)];
}

/** The problems of who gets the policy: the service or existing role, the instance profile, IAM users and groups. */
export function validateAccessRoleIdentity(
    args: Pick<
        DatabaseAccessRoleArgs,
        "service" | "existingRoleName" | "instanceProfile" | "attachToUsers" | "attachToGroups"
    >,
): ValidationFailure[] {
    const failures: ValidationFailure[] = [];
    if ((args.service === undefined) === (args.existingRoleName === undefined)) {
        failures.push({
            property: "service",
            reason: `give exactly one of service (${WORKLOAD_SERVICES.join(", ")}) or existingRoleName`,
        });
    } else if (args.service !== undefined && !isWorkloadService(args.service)) {
        failures.push({
            property: "service",
            reason: `unknown service ${JSON.stringify(args.service)}; use one of ${WORKLOAD_SERVICES.join(", ")}`,
        });
    }
    if (args.instanceProfile === true && args.service !== "ec2") {
        failures.push({
            property: "instanceProfile",
            reason: 'an instance profile is only for service "ec2"; remove instanceProfile',
        });
    }
    failures.push(...iamNameFailures("attachToUsers", args.attachToUsers, "user"));
    failures.push(...iamNameFailures("attachToGroups", args.attachToGroups, "group"));
    return failures;
}

export function validateAccessRoleArgs(args: DatabaseAccessRoleArgs): ValidationFailure[] {
    const failures = validateAccessRoleIdentity(args);
    if (!Array.isArray(args.grants) || args.grants.length === 0) {
        failures.push({
            property: "grants",
            reason: "give at least one grant ({ database, username } or { resourceId, username })",
        });
    }
    (args.grants ?? []).forEach((grant, i) => {
        if (isProxyGrant(grant)) {
            // A JavaScript caller or another language's SDK (where the schema types it as any) may
            // hand over something else.
            if (!(grant.proxy instanceof DatabaseProxy)) {
                failures.push({
                    property: `grants[${i}].proxy`,
                    reason: "give a DatabaseProxy of this program (or grant by resourceId: its proxyId output)",
                });
                return;
            }
            const problem = proxyGrantProblem(grant);
            if (problem !== undefined) failures.push({ property: `grants[${i}].username`, reason: problem });
            return;
        }
        if (isDatabaseGrant(grant)) {
            if (!(grant.database instanceof Database)) {
                failures.push({
                    property: `grants[${i}].database`,
                    reason: "give a Database of this program (or grant by resourceId: its resourceId output)",
                });
                return;
            }
            if (!grant.database.userNames.includes(grant.username)) {
                failures.push({
                    property: `grants[${i}].username`,
                    reason: `database "${grant.database.componentName}" defines no user ${JSON.stringify(grant.username)} (it has ${grant.database.userNames.join(", ") || "none"}); add it to the Database's users or fix the name`,
                });
            }
            return;
        }
        // Only values known now can be checked here; Outputs are checked when the policy is built.
        const problems = [
            ...arnUsernameProblems(grant.username),
            ...(typeof grant.resourceId === "string" ? resourceIdProblems(grant.resourceId) : []),
            ...(typeof grant.region === "string" ? regionProblems(grant.region) : []),
            ...(typeof grant.accountId === "string" ? accountIdProblems(grant.accountId) : []),
        ];
        problems.forEach((p) => failures.push({ property: `grants[${i}].${p.field}`, reason: p.reason }));
    });
    return failures;
}

export class DatabaseAccessRole extends pulumi.ComponentResource {
    /** ARN of the role; settles only after the connect policy is attached. */
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;
    /** Name of the EC2 instance profile (service "ec2"). */
    public readonly instanceProfileName?: pulumi.Output<string>;
    public readonly policyArn: pulumi.Output<string>;
    /** The connect policy document, as JSON. */
    public readonly policyDocument: pulumi.Output<string>;

    constructor(name: string, args: DatabaseAccessRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(`DatabaseAccessRole "${name}"`, validateAccessRoleArgs(args));
        super("rds-iam:index:DatabaseAccessRole", name, {}, opts);
        const parent = { parent: this };
        const tags = args.tags ?? {};
        // The caller's partition/region/account are only needed for resource-id grants and Lambda's
        // managed policies (and are asked once per provider: awsFacts.ts).
        const caller = () => awsFacts(this);

        // One Output per database or proxy (not per grant): its ARN facts serve all of its granted users.
        const shared: (Database | DatabaseProxy)[] = [
            ...new Set(
                args.grants.flatMap((g): (Database | DatabaseProxy)[] =>
                    isProxyGrant(g) ? [g.proxy] : isDatabaseGrant(g) ? [g.database] : [],
                ),
            ),
        ];
        const facts: pulumi.Output<Omit<ConnectGrant, "username">>[] = [
            ...shared.map((s) => s.arnFacts),
            ...args.grants
                .filter((g): g is ResourceIdGrant => !isDatabaseGrant(g) && !isProxyGrant(g))
                .map((grant) =>
                    pulumi
                        .all([
                            caller().partition,
                            grant.region ?? caller().region,
                            grant.accountId ?? caller().accountId,
                            grant.resourceId,
                        ])
                        .apply(([partition, region, accountId, resourceId]) => ({
                            partition,
                            region,
                            accountId,
                            resourceId,
                        })),
                ),
        ];
        // Each grant, in the order given, points at its facts: its database's or proxy's, or its own.
        let nextOwn = shared.length;
        const factIndex = args.grants.map((g) =>
            isProxyGrant(g)
                ? shared.indexOf(g.proxy)
                : isDatabaseGrant(g)
                  ? shared.indexOf(g.database)
                  : nextOwn++,
        );
        const grants = pulumi.all(facts).apply((resolved) =>
            args.grants.map((g, i): ConnectGrant => ({
                ...resolved[factIndex[i]],
                username: g.username,
            })),
        );
        this.policyDocument = grants.apply((g) => JSON.stringify(connectPolicyDocument(g)));

        const policy = new aws.iam.Policy(
            `${name}-connect`,
            {
                description: `rds-iam ${name}: rds-db:connect as ${args.grants.map((g) => g.username).join(", ")}`,
                policy: this.policyDocument,
                tags,
            },
            parent,
        );
        this.policyArn = policy.arn;

        const attachments: pulumi.CustomResource[] = [];
        let roleName: pulumi.Output<string>;
        let roleArn: pulumi.Output<string>;
        if (args.service !== undefined) {
            const role = new aws.iam.Role(
                `${name}-role`,
                {
                    assumeRolePolicy: assumeRolePolicy(args.service),
                    description: `rds-iam ${name}: ${args.service} workload with IAM database access`,
                    permissionsBoundary: args.permissionsBoundary,
                    tags,
                },
                parent,
            );
            roleName = role.name;
            roleArn = role.arn;
            if (args.service === "lambda") {
                for (const managed of ["AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole"]) {
                    attachments.push(
                        new aws.iam.RolePolicyAttachment(
                            `${name}-${managed}`,
                            {
                                role: role.name,
                                policyArn: pulumi.interpolate`arn:${caller().partition}:iam::aws:policy/service-role/${managed}`,
                            },
                            parent,
                        ),
                    );
                }
            }
            if (args.service === "ec2" && args.instanceProfile !== false) {
                const profile = new aws.iam.InstanceProfile(
                    `${name}-profile`,
                    { role: role.name, tags },
                    parent,
                );
                this.instanceProfileName = profile.name;
            }
        } else {
            roleName = pulumi.output(args.existingRoleName as pulumi.Input<string>);
            roleArn = aws.iam.getRoleOutput({ name: roleName }, parent).arn;
        }
        attachments.push(
            new aws.iam.RolePolicyAttachment(
                `${name}-connect`,
                { role: roleName, policyArn: policy.arn },
                parent,
            ),
        );
        (args.attachToUsers ?? []).forEach((user, i) => {
            const child = childName(`${name}-user`, user, i);
            attachments.push(
                new aws.iam.UserPolicyAttachment(
                    child.name,
                    { user, policyArn: policy.arn },
                    { parent: this, aliases: child.aliases },
                ),
            );
        });
        (args.attachToGroups ?? []).forEach((group, i) => {
            const child = childName(`${name}-group`, group, i);
            attachments.push(
                new aws.iam.GroupPolicyAttachment(
                    child.name,
                    { group, policyArn: policy.arn },
                    { parent: this, aliases: child.aliases },
                ),
            );
        });

        // Consumers that wait on roleArn (e.g. a Lambda) must not start before the policy is attached.
        const attached = pulumi.all(attachments.map((a) => a.id));
        this.roleArn = pulumi.all([roleArn, attached]).apply(([arn]) => arn);
        this.roleName = roleName;

        this.registerOutputs({
            roleArn: this.roleArn,
            roleName: this.roleName,
            instanceProfileName: this.instanceProfileName,
            policyArn: this.policyArn,
            policyDocument: this.policyDocument,
        });
    }
}
