import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { recordStack, stackConfig } from "../../local/pulumi/mocks";

/**
 * What each AWS resource type and function of the program calls on AWS, as the AWS provider does it
 * (create, read, update, delete, tags). A type the program starts using without an entry here fails
 * the test; so does an action in the policy that no entry justifies.
 */
const TAGS_EC2 = ["ec2:CreateTags", "ec2:DeleteTags"];
const TAGS_RDS = ["rds:AddTagsToResource", "rds:ListTagsForResource", "rds:RemoveTagsFromResource"];
const MANAGED_MASTER_SECRET = [
    // "Permissions required for Secrets Manager integration", RDS User Guide (manageMasterUserPassword).
    "secretsmanager:CreateSecret",
    "secretsmanager:TagResource",
    "kms:DescribeKey",
    // The first RDS database of an account creates RDS's service-linked role.
    "iam:CreateServiceLinkedRole",
];
const ACTIONS_BY_TYPE: Record<string, string[]> = {
    "aws:ec2/securityGroup:SecurityGroup": [
        "ec2:CreateSecurityGroup",
        "ec2:DescribeSecurityGroups",
        "ec2:DeleteSecurityGroup",
        // The AWS provider removes the default allow-all egress rule of a new group.
        "ec2:RevokeSecurityGroupEgress",
        // Deleting waits for network interfaces still using the group.
        "ec2:DescribeNetworkInterfaces",
        ...TAGS_EC2,
    ],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:DescribeSecurityGroupRules",
        "ec2:ModifySecurityGroupRules",
        "ec2:RevokeSecurityGroupEgress",
        ...TAGS_EC2,
    ],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:DescribeSecurityGroupRules",
        "ec2:ModifySecurityGroupRules",
        "ec2:RevokeSecurityGroupIngress",
        ...TAGS_EC2,
    ],
    "aws:rds/subnetGroup:SubnetGroup": [
        "rds:CreateDBSubnetGroup",
        "rds:DescribeDBSubnetGroups",
        "rds:ModifyDBSubnetGroup",
        "rds:DeleteDBSubnetGroup",
        ...TAGS_RDS,
    ],
    "aws:rds/parameterGroup:ParameterGroup": [
        "rds:CreateDBParameterGroup",
        "rds:DescribeDBParameterGroups",
        "rds:DescribeDBParameters",
        "rds:ModifyDBParameterGroup",
        "rds:DeleteDBParameterGroup",
        ...TAGS_RDS,
    ],
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": [
        "rds:CreateDBClusterParameterGroup",
        "rds:DescribeDBClusterParameterGroups",
        "rds:DescribeDBClusterParameters",
        "rds:ModifyDBClusterParameterGroup",
        "rds:DeleteDBClusterParameterGroup",
        ...TAGS_RDS,
    ],
    "aws:rds/instance:Instance": [
        "rds:CreateDBInstance",
        "rds:DescribeDBInstances",
        "rds:ModifyDBInstance",
        "rds:DeleteDBInstance",
        ...TAGS_RDS,
        ...MANAGED_MASTER_SECRET,
    ],
    "aws:rds/cluster:Cluster": [
        "rds:CreateDBCluster",
        "rds:DescribeDBClusters",
        "rds:ModifyDBCluster",
        "rds:DeleteDBCluster",
        ...TAGS_RDS,
        ...MANAGED_MASTER_SECRET,
    ],
    "aws:rds/clusterInstance:ClusterInstance": [
        "rds:CreateDBInstance",
        "rds:DescribeDBInstances",
        "rds:ModifyDBInstance",
        "rds:DeleteDBInstance",
        ...TAGS_RDS,
    ],
    "aws:iam/role:Role": [
        "iam:CreateRole",
        "iam:GetRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRole",
        "iam:TagRole",
        "iam:UntagRole",
        // Read and delete list what is still attached to the role.
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
    ],
    "aws:iam/policy:Policy": [
        "iam:CreatePolicy",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListPolicyVersions",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:DeletePolicy",
        "iam:TagPolicy",
        "iam:UntagPolicy",
    ],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:ListAttachedRolePolicies",
    ],
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": [
        "iam:AttachUserPolicy",
        "iam:DetachUserPolicy",
        "iam:ListAttachedUserPolicies",
    ],
    "aws:iam/rolePolicy:RolePolicy": ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
    // The SQL runner (sqlRunner "lambda"): creating a function in a VPC needs the caller to describe
    // its subnets, security groups and VPC (Lambda Developer Guide, "Giving Lambda functions access
    // to resources in an Amazon VPC"), and to pass the function its role.
    "aws:lambda/function:Function": [
        "lambda:CreateFunction",
        "lambda:GetFunction",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:ListVersionsByFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:DeleteFunction",
        "lambda:TagResource",
        "lambda:UntagResource",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeVpcs",
        "iam:PassRole",
    ],
    "aws:cloudwatch/logGroup:LogGroup": [
        "logs:CreateLogGroup",
        "logs:DescribeLogGroups",
        "logs:PutRetentionPolicy",
        "logs:DeleteLogGroup",
        "logs:ListTagsForResource",
        "logs:TagResource",
        "logs:UntagResource",
    ],
    "aws:iam/instanceProfile:InstanceProfile": [
        "iam:CreateInstanceProfile",
        "iam:GetInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:TagInstanceProfile",
        "iam:UntagInstanceProfile",
    ],
    // Functions: the admin provider's password, the Aurora version lookup. getRegion, getPartition and
    // getCallerIdentity need no permission (STS GetCallerIdentity is always allowed).
    "aws:secretsmanager/getSecretVersion:getSecretVersion": ["secretsmanager:GetSecretValue"],
    "aws:rds/getEngineVersion:getEngineVersion": ["rds:DescribeDBEngineVersions"],
    "aws:index/getRegion:getRegion": [],
    "aws:index/getPartition:getPartition": [],
    "aws:index/getCallerIdentity:getCallerIdentity": [],
    // The DatabaseUser provider reads the managed master secret at each operation, and invokes the SQL runner.
    "pulumi-nodejs:dynamic/rds-iam:DatabaseUser": ["secretsmanager:GetSecretValue", "lambda:InvokeFunction"],
};

/** Every configuration of the program that reaches different AWS resources. */
const VARIANTS: Record<string, unknown>[] = [
    {},
    { "rds-iam:skipFinalSnapshot": false, "rds-iam:deletionProtection": true },
    { "rds-iam:engine": "aurora-mysql", "rds-iam:instances": 2, "rds-iam:adminProvider": true },
    { "rds-iam:engine": "aurora-postgresql" },
    { "rds-iam:engine": "mariadb" },
    {
        "rds-iam:workloads": [{ name: "api", service: "ec2", users: ["app_rw"], attachToUsers: ["alice"] }],
    },
];

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

describe("the deployer's least-privilege policy (stack/deployer-policy.json, #12.12)", () => {
    it("is an IAM policy of Allow statements naming exact actions, each Sid once", () => {
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
            assert.equal(s.Effect, "Allow", s.Sid);
            assert.ok(/^[A-Za-z0-9]+$/.test(s.Sid), s.Sid);
            assert.deepEqual(
                s.Action.filter((a) => !/^[a-z0-9-]+:[A-Za-z]+$/.test(a)),
                [],
                `${s.Sid}: no wildcards`,
            );
            assert.deepEqual(s.Action, [...s.Action].sort(), `${s.Sid}: sorted`);
        }
    });

    it("allows exactly the actions the program's resources and functions use, across its configurations", async () => {
        const used = new Set<string>();
        const unknown = new Set<string>();
        for (const variant of VARIANTS) {
            const { resources, invokes } = await recordStack({ ...stackConfig("dev"), ...variant });
            const tokens = [
                ...resources.map((r) => r.type),
                ...invokes.map((i) => i.token).filter((t) => t.startsWith("aws:")),
            ].filter((t) => t.startsWith("aws:") || t.startsWith("pulumi-nodejs:dynamic/"));
            for (const token of tokens) {
                if (ACTIONS_BY_TYPE[token] === undefined) unknown.add(token);
                for (const action of ACTIONS_BY_TYPE[token] ?? []) used.add(action);
            }
        }
        assert.deepEqual([...unknown], [], "every AWS type the program uses has its actions listed");
        const allowed = policy.Statement.flatMap((s) => s.Action);
        assert.deepEqual(
            allowed.filter((a, i) => allowed.indexOf(a) !== i),
            [],
            "no action twice",
        );
        assert.deepEqual([...allowed].sort(), [...used].sort());
    });

    it("scopes what can be scoped: RDS's service-linked role only, only RDS-managed secrets, roles passed to Lambda only", () => {
        const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
        assert.deepEqual(
            [
                bySid.RdsServiceLinkedRole.Resource,
                bySid.RdsServiceLinkedRole.Condition,
                bySid.RdsManagedMasterSecret.Resource,
                bySid.PassSqlRunnerRole.Condition,
            ],
            [
                "arn:aws:iam::*:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS",
                { StringLike: { "iam:AWSServiceName": "rds.amazonaws.com" } },
                "arn:aws:secretsmanager:*:*:secret:rds!*",
                { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
            ],
        );
    });
});
