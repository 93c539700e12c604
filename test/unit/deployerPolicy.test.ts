import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ACCOUNT_ID, RecordedResource, recordStack, stackConfig } from "../../local/pulumi/mocks";
import { ACTIONS_BY_TYPE } from "./deployerPolicy/actionsByType";
import {
    AUTONAME_SUFFIX,
    DEPENDENT_PERMISSIONS,
    Need,
    PermissionRow,
    SCOPED_CALLS,
    Stack,
    roleArn,
} from "./deployerPolicy/dependentPermissions";
import { PolicyRequest, decide, describeRequest } from "./deployerPolicy/requests";

/** Every configuration of the program that reaches different AWS resources. */
const VARIANTS: Record<string, unknown>[] = [
    {},
    { "rds-iam:skipFinalSnapshot": false, "rds-iam:deletionProtection": true },
    { "rds-iam:engine": "aurora-mysql", "rds-iam:instances": 2, "rds-iam:adminProvider": true },
    // The production profile (Pulumi.prod.yaml.example): Aurora PostgreSQL with a final snapshot.
    { "rds-iam:engine": "aurora-postgresql", "rds-iam:skipFinalSnapshot": false },
    { "rds-iam:engine": "mariadb" },
    // Provisioning without the master password (#23.11): the IAM-only master's switch and the
    // deployer's token login as it; the IAM admin and the deployer's token login as it.
    { "rds-iam:masterPassword": "iam", "rds-iam:sqlRunner": "deployer" },
    { "rds-iam:engine": "aurora-postgresql", "rds-iam:masterPassword": "iam" },
    { "rds-iam:engine": "mariadb", "rds-iam:iamAdmin": true, "rds-iam:sqlRunner": "deployer" },
    {
        "rds-iam:workloads": [{ name: "api", service: "ec2", users: ["app_rw"], attachToUsers: ["alice"] }],
    },
];

/** The one Deny: the SQL runner's role may be passed to Lambda only, whatever an Allow matches. */
const DENY_SIDS = ["SqlRunnerRoleToLambdaOnly"];

interface Statement {
    Sid: string;
    Effect: string;
    Action: string[];
    Resource: string | string[];
    Condition?: unknown;
}

const policy = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, "..", "..", "stack", "deployer-policy.json"), "utf8"),
) as { Version: string; Statement: Statement[] };

const tokensOf = (resources: RecordedResource[], invokes: { token: string }[]) =>
    [
        ...resources.map((r) => r.type),
        ...invokes.map((i) => i.token).filter((t) => t.startsWith("aws:")),
    ].filter((t) => t.startsWith("aws:") || t.startsWith("pulumi-nodejs:dynamic/"));

const applies = (row: PermissionRow, r: RecordedResource) =>
    row.types.includes(r.type) && (row.when === undefined || row.when(r));

/** The inline policies of the role a recorded function runs as (its RolePolicy resources). */
function functionRolePolicies(stack: Stack, fn: RecordedResource): unknown[] {
    const roleName = String(fn.inputs.role).slice(String(fn.inputs.role).lastIndexOf("/") + 1);
    return stack.resources
        .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === roleName)
        .map((r) => JSON.parse(r.inputs.policy));
}

const allowedBy = (documents: unknown[], request: PolicyRequest) =>
    documents.some((d) => decide("role policy", d, request, ACCOUNT_ID).decision === "allow");

describe("the deployer's least-privilege policy (stack/deployer-policy.json, #12.12)", () => {
    const stacks: (Stack & { tokens: string[] })[] = [];
    before(async () => {
        for (const variant of VARIANTS) {
            const { resources, invokes } = await recordStack({ ...stackConfig("dev"), ...variant });
            stacks.push({
                resources,
                tokens: tokensOf(resources, invokes),
                region: "us-east-1",
                partition: "aws",
                account: ACCOUNT_ID,
            });
        }
    });

    /** Every applicable row's needs, for every recorded resource of every configuration. */
    const needsOf = (rows: readonly PermissionRow[]) =>
        stacks.flatMap((stack) =>
            stack.resources.flatMap((r) =>
                rows
                    .filter((row) => applies(row, r))
                    .flatMap((row) => row.needs(r, stack).map((need) => ({ row, need, resource: r, stack }))),
            ),
        );

    it("is an IAM policy of exact actions, each Sid once, Allow but for the runner-role guard", () => {
        assert.equal(policy.Version, "2012-10-17");
        const sids = policy.Statement.map((s) => s.Sid);
        assert.deepEqual(sids, [...new Set(sids)]);
        for (const s of policy.Statement) {
            assert.deepEqual(
                Object.keys(s).filter(
                    (k) => !["Sid", "Effect", "Action", "Resource", "Condition"].includes(k),
                ),
                [],
            );
            assert.equal(s.Effect, DENY_SIDS.includes(s.Sid) ? "Deny" : "Allow", s.Sid);
            assert.ok(/^[A-Za-z0-9]+$/.test(s.Sid), s.Sid);
            assert.deepEqual(
                s.Action.filter((a) => !/^[a-z0-9-]+:[A-Za-z]+$/.test(a)),
                [],
                `${s.Sid}: no wildcards`,
            );
            assert.deepEqual(s.Action, [...s.Action].sort(), `${s.Sid}: sorted`);
        }
    });

    it("allows exactly the actions the program's resources, functions and their dependent permissions use, across its configurations", () => {
        const used = new Set<string>();
        const unknown = new Set<string>();
        for (const { tokens } of stacks) {
            for (const token of tokens) {
                if (ACTIONS_BY_TYPE[token] === undefined) unknown.add(token);
                for (const action of ACTIONS_BY_TYPE[token] ?? []) used.add(action);
            }
        }
        for (const { need } of needsOf(DEPENDENT_PERMISSIONS))
            if (need.principal === "deployer") used.add(need.action);
        assert.deepEqual([...unknown], [], "every AWS type the program uses has its actions listed");
        const allowed = policy.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => s.Action);
        assert.deepEqual(
            allowed.filter((a, i) => allowed.indexOf(a) !== i),
            ["iam:PassRole"],
            "no action twice, but PassRole: to Lambda for the runner's role, to instance profiles for the workloads' roles",
        );
        assert.deepEqual([...new Set(allowed)].sort(), [...used].sort());
    });

    it("ties each dependent permission to a call its resource type really makes", () => {
        const misplaced = DEPENDENT_PERMISSIONS.flatMap((row) =>
            row.types
                .filter((t) => !(ACTIONS_BY_TYPE[t] ?? []).includes(row.call))
                .map((t) => `${row.call} ← ${t}`),
        );
        assert.deepEqual(misplaced, []);
    });

    it("grants every dependent permission of the calls the program's resources make, with the ARNs and condition keys AWS checks", () => {
        const failures: string[] = [];
        for (const { row, need, resource, stack } of needsOf(DEPENDENT_PERMISSIONS)) {
            const ok =
                need.principal === "deployer"
                    ? decide("deployer", policy, need, stack.account).decision === "allow"
                    : allowedBy(functionRolePolicies(stack, resource), need);
            if (!ok)
                failures.push(
                    `${resource.name}: ${row.call} needs ${describeRequest(need)} from the ${need.principal} (${row.source})`,
                );
        }
        assert.deepEqual([...new Set(failures)], []);
        // The dev stack's ec2 workload is what needs PassRole through AddRoleToInstanceProfile.
        assert.ok(
            needsOf(DEPENDENT_PERMISSIONS).some(({ row }) => row.call === "iam:AddRoleToInstanceProfile"),
        );
    });

    it("grants the calls on named resources for the ARNs they really get: the runner's functions and versions, Lambda's lingering ENIs", () => {
        const failures = needsOf(SCOPED_CALLS)
            .filter(({ need, stack }) => decide("deployer", policy, need, stack.account).decision !== "allow")
            .map(({ row, need, resource }) => `${resource.name}: ${describeRequest(need)} (${row.source})`);
        assert.deepEqual([...new Set(failures)], []);
    });

    it("names no customer managed KMS key in any configuration, so it grants no kms:CreateGrant, Decrypt or GenerateDataKey", () => {
        const keyed = needsOf(DEPENDENT_PERMISSIONS).filter(({ need }) =>
            ["kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKey"].includes(need.action),
        );
        assert.deepEqual(
            keyed.map(({ resource }) => resource.name),
            [],
        );
        assert.deepEqual(
            policy.Statement.flatMap((s) => s.Action).filter((a) => a.startsWith("kms:")),
            ["kms:DescribeKey"],
        );
    });

    it("refuses what it need not allow: the runner's role anywhere but Lambda, other roles to Lambda, other functions", () => {
        const partition = "aws";
        const runnerRole = roleArn(
            { resources: [], region: "us-east-1", partition, account: ACCOUNT_ID },
            "db-runner-role",
        );
        const workloadRole = `arn:aws:iam::${ACCOUNT_ID}:role/api-role${AUTONAME_SUFFIX}`;
        const other = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:payments`;
        const toProfile = {
            values: { "iam:AssociatedResourceArn": `arn:aws:ec2:*:${ACCOUNT_ID}:instance/*` },
            absent: ["iam:PassedToService"],
        };
        const toLambda = (fn: string) => ({
            values: { "iam:PassedToService": "lambda.amazonaws.com", "iam:AssociatedResourceArn": fn },
        });
        const requests: (Need & { expected: string })[] = [
            {
                principal: "deployer",
                action: "iam:PassRole",
                resource: runnerRole,
                ...toProfile,
                expected: "explicit-deny",
            },
            {
                principal: "deployer",
                action: "iam:PassRole",
                resource: workloadRole,
                ...toProfile,
                expected: "allow",
            },
            {
                principal: "deployer",
                action: "iam:PassRole",
                resource: `arn:aws:iam::${ACCOUNT_ID}:role/Admin`,
                ...toLambda(other),
                expected: "implicit-deny",
            },
            {
                principal: "deployer",
                action: "iam:PassRole",
                resource: workloadRole,
                ...toLambda(other),
                expected: "implicit-deny",
            },
            {
                principal: "deployer",
                action: "iam:PassRole",
                resource: workloadRole,
                values: { "iam:PassedToService": "ec2.amazonaws.com" },
                absent: ["iam:AssociatedResourceArn"],
                expected: "implicit-deny",
            },
            ...[
                "lambda:InvokeFunction",
                "lambda:UpdateFunctionCode",
                "lambda:DeleteFunction",
                "lambda:GetFunction",
            ].flatMap((action) =>
                [other, `${other}:1`].map((resource) => ({
                    principal: "deployer" as const,
                    action,
                    resource,
                    expected: "implicit-deny",
                })),
            ),
        ];
        assert.deepEqual(
            requests.map(
                (r) => `${describeRequest(r)}: ${decide("deployer", policy, r, ACCOUNT_ID).decision}`,
            ),
            requests.map((r) => `${describeRequest(r)}: ${r.expected}`),
        );
    });

    it("scopes what can be scoped: RDS's service-linked role, RDS-managed secrets, KMS keys, the runner's role and functions, the workloads' roles to EC2 instance profiles, network interfaces", () => {
        const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
        const scope = (sid: string) => ({ Resource: bySid[sid].Resource, Condition: bySid[sid].Condition });
        assert.deepEqual(
            {
                RdsServiceLinkedRole: scope("RdsServiceLinkedRole"),
                RdsManagedMasterSecret: scope("RdsManagedMasterSecret"),
                RdsManagedMasterSecretKey: scope("RdsManagedMasterSecretKey"),
                SqlRunnerFunction: scope("SqlRunnerFunction"),
                PassSqlRunnerRole: scope("PassSqlRunnerRole"),
                PassWorkloadRolesToInstanceProfiles: scope("PassWorkloadRolesToInstanceProfiles"),
                SqlRunnerRoleToLambdaOnly: scope("SqlRunnerRoleToLambdaOnly"),
                SqlRunnerLingeringNetworkInterfaces: scope("SqlRunnerLingeringNetworkInterfaces"),
            },
            {
                RdsServiceLinkedRole: {
                    Resource: "arn:aws:iam::*:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS",
                    Condition: { StringLike: { "iam:AWSServiceName": "rds.amazonaws.com" } },
                },
                RdsManagedMasterSecret: {
                    Resource: "arn:aws:secretsmanager:*:*:secret:rds!*",
                    Condition: undefined,
                },
                RdsManagedMasterSecretKey: { Resource: "arn:aws:kms:*:*:key/*", Condition: undefined },
                SqlRunnerFunction: {
                    Resource: [
                        "arn:aws:lambda:*:*:function:*-runner-function-*",
                        "arn:aws:lambda:*:*:function:*-runner-function-*:*",
                    ],
                    Condition: undefined,
                },
                PassSqlRunnerRole: {
                    Resource: "arn:aws:iam::*:role/*-runner-role-*",
                    Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
                },
                PassWorkloadRolesToInstanceProfiles: {
                    Resource: "arn:aws:iam::*:role/*-role-*",
                    Condition: {
                        ArnLike: {
                            "iam:AssociatedResourceArn": "arn:aws:ec2:*:${aws:PrincipalAccount}:instance/*",
                        },
                    },
                },
                SqlRunnerRoleToLambdaOnly: {
                    Resource: "arn:aws:iam::*:role/*-runner-role-*",
                    Condition: { StringNotEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
                },
                SqlRunnerLingeringNetworkInterfaces: {
                    Resource: ["arn:aws:ec2:*:*:network-interface/*", "arn:aws:ec2:*:*:instance/*"],
                    Condition: undefined,
                },
            },
        );
    });
});
