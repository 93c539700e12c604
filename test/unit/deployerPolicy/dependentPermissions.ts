/**
 * Dependent permissions: what an AWS call needs beyond its own action, per call, with the source
 * that says so. AWS checks these on the caller while serving the call (a role passed, a key used, a
 * secret or snapshot made on the caller's behalf), so a policy that grants every action the provider
 * calls can still fail the call. Also the calls on named resources, so the scoped statements are
 * checked with the ARNs the program's resources really get.
 *
 * Each row turns one recorded resource into concrete requests; deployerPolicy.test.ts asks the IAM
 * evaluation whether the deployer's policy (or the created function's role) grants each one.
 */
import type { RecordedResource } from "../../../local/pulumi/mocks";
import type { PolicyRequest } from "./requests";

/** Pulumi auto-names these resources `<name>-<7 random hex characters>`; the mocks answer `<name>`. */
export const AUTONAME_SUFFIX = "-0a1b2c3";

export interface Stack {
    readonly resources: readonly RecordedResource[];
    readonly region: string;
    readonly partition: string;
    readonly account: string;
}

export interface Need extends PolicyRequest {
    /** Whose policy must allow it: the deployer's, or the role the created function runs as. */
    readonly principal: "deployer" | "function role";
}

export interface PermissionRow {
    /** The call (IAM action) whose serving needs these permissions. */
    readonly call: string;
    /** The resource types whose provider makes the call. */
    readonly types: readonly string[];
    /** When the resource's inputs make AWS ask for them. @default always */
    readonly when?: (resource: RecordedResource) => boolean;
    readonly needs: (resource: RecordedResource, stack: Stack) => Need[];
    readonly source: string;
}

const INSTANCE = "aws:rds/instance:Instance";
const CLUSTER = "aws:rds/cluster:Cluster";
const FUNCTION = "aws:lambda/function:Function";
const PROFILE = "aws:iam/instanceProfile:InstanceProfile";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const DATABASE_USER = "pulumi-nodejs:dynamic/rds-iam:DatabaseUser";

/** The real ARN of an auto-named role, from the mocks' name or ARN of it. */
export function roleArn(stack: Stack, nameOrArn: string): string {
    const name = nameOrArn.slice(nameOrArn.lastIndexOf("/") + 1);
    return `arn:${stack.partition}:iam::${stack.account}:role/${name}${AUTONAME_SUFFIX}`;
}

/** The real ARN of an auto-named function, from the mocks' ARN of it. */
export function functionArn(mockArn: string): string {
    return `${mockArn}${AUTONAME_SUFFIX}`;
}

/** A version the runner function is published as (Lambda numbers versions from 1). */
const VERSION = "1";

/** A KMS key ARN from a key id, key ARN or alias the inputs give. */
function keyArn(stack: Stack, key: string): string {
    return key.startsWith("arn:")
        ? key
        : `arn:${stack.partition}:kms:${stack.region}:${stack.account}:key/${key}`;
}

function managedSecret(resource: RecordedResource): { secretArn: string; kmsKeyId: string } {
    return resource.outputs.masterUserSecrets[0];
}

const deployer = (action: string, resource: string, more: Partial<PolicyRequest> = {}): Need => ({
    principal: "deployer",
    action,
    resource,
    ...more,
});

const finalSnapshot = (r: RecordedResource) =>
    r.inputs.skipFinalSnapshot !== true && typeof r.inputs.finalSnapshotIdentifier === "string";

/** The same row for an instance (CreateDBInstance) and a cluster (CreateDBCluster). */
function onCreateDatabase(row: Omit<PermissionRow, "call" | "types">): PermissionRow[] {
    return [
        { ...row, call: "rds:CreateDBInstance", types: [INSTANCE] },
        { ...row, call: "rds:CreateDBCluster", types: [CLUSTER] },
    ];
}

export const DEPENDENT_PERMISSIONS: readonly PermissionRow[] = [
    {
        call: "iam:AddRoleToInstanceProfile",
        types: [PROFILE],
        needs: (r, s) => [
            deployer("iam:PassRole", roleArn(s, r.inputs.role), {
                values: { "iam:AssociatedResourceArn": `arn:${s.partition}:ec2:*:${s.account}:instance/*` },
                absent: ["iam:PassedToService"],
            }),
        ],
        source:
            'IAM API Reference, AddRoleToInstanceProfile: "The caller of this operation must be granted the PassRole permission on the IAM role"; ' +
            "for this call iam:AssociatedResourceArn must be arn:aws:ec2:*:CallerAccountId:instance/* (no Region, no instance ID). " +
            "It gives no iam:PassedToService for this call (the role is passed to EC2 later, at RunInstances), so the statement names none. " +
            "Service Authorization Reference (IAM): AddRoleToInstanceProfile, dependent action iam:PassRole; PassRole condition keys iam:AssociatedResourceArn, iam:PassedToService",
    },
    {
        call: "lambda:CreateFunction",
        types: [FUNCTION],
        needs: (r, s) => [
            deployer("iam:PassRole", roleArn(s, r.inputs.role), {
                values: { "iam:PassedToService": "lambda.amazonaws.com" },
            }),
        ],
        source:
            "Service Authorization Reference (Lambda): CreateFunction, dependent action iam:PassRole; " +
            'IAM User Guide, "Grant a user permissions to pass a role to an AWS service" (iam:PassedToService lambda.amazonaws.com)',
    },
    {
        call: "lambda:UpdateFunctionConfiguration",
        types: [FUNCTION],
        needs: (r, s) => [
            deployer("iam:PassRole", roleArn(s, r.inputs.role), {
                values: { "iam:PassedToService": "lambda.amazonaws.com" },
            }),
        ],
        source: 'Lambda Developer Guide, "Fine-tuning the Resources and Conditions sections of policies": UpdateFunctionConfiguration needs iam:PassRole on the execution role',
    },
    {
        call: "lambda:CreateFunction",
        types: [FUNCTION],
        when: (r) => r.inputs.vpcConfig !== undefined,
        needs: (_r, s) => {
            const eni = `arn:${s.partition}:ec2:${s.region}:${s.account}:network-interface/eni-0a1b2c3d4e5f67890`;
            return [
                ...["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"].map((a) =>
                    deployer(a, "*"),
                ),
                ...[
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets",
                    "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses",
                ].map((action): Need => ({ principal: "function role", action, resource: eni })),
            ];
        },
        source:
            'Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC": the user creating the function ' +
            'describes its security groups, subnets and VPC; "Lambda uses your function\'s permissions to create and manage network interfaces" ' +
            "(the AWSLambdaVPCAccessExecutionRole actions), so ec2:CreateNetworkInterface is the function role's, not the deployer's",
    },
    ...onCreateDatabase({
        when: (r) => r.inputs.manageMasterUserPassword === true,
        needs: (r) => {
            const { secretArn, kmsKeyId } = managedSecret(r);
            return [
                deployer("secretsmanager:CreateSecret", secretArn),
                deployer("secretsmanager:TagResource", secretArn),
                deployer("kms:DescribeKey", kmsKeyId),
            ];
        },
        source:
            'RDS User Guide, "Permissions required for Secrets Manager integration": kms:DescribeKey (the MasterUserSecretKmsKeyId key, or aws/secretsmanager), ' +
            "secretsmanager:CreateSecret, secretsmanager:TagResource; Service Authorization Reference (RDS): CreateDBInstance / CreateDBCluster dependent actions",
    }),
    ...onCreateDatabase({
        needs: (_r, s) => [
            deployer(
                "iam:CreateServiceLinkedRole",
                `arn:${s.partition}:iam::${s.account}:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS`,
                { values: { "iam:AWSServiceName": "rds.amazonaws.com" } },
            ),
        ],
        source: 'RDS User Guide, "Using service-linked roles for Amazon RDS": the first database of an account creates AWSServiceRoleForRDS as the caller (iam:AWSServiceName rds.amazonaws.com)',
    }),
    ...onCreateDatabase({
        when: (r) => typeof r.inputs.kmsKeyId === "string",
        needs: (r, s) =>
            ["kms:CreateGrant", "kms:DescribeKey"].map((a) => deployer(a, keyArn(s, r.inputs.kmsKeyId))),
        source:
            'RDS User Guide, "AWS KMS key management", Authorizing use of a customer managed key: kms:CreateGrant, kms:DescribeKey on the key ' +
            "(the default aws/rds key's own policy admits the account's principals through RDS); Service Authorization Reference (RDS): CreateDBInstance dependent actions",
    }),
    ...onCreateDatabase({
        when: (r) => typeof r.inputs.masterUserSecretKmsKeyId === "string",
        needs: (r, s) =>
            ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:DescribeKey"].map((a) =>
                deployer(a, keyArn(s, r.inputs.masterUserSecretKmsKeyId)),
            ),
        source:
            'RDS User Guide, "Permissions required for Secrets Manager integration": the user who specifies the customer managed key for the secret needs kms:Decrypt, ' +
            "kms:GenerateDataKey, kms:CreateGrant (aws-controllers-k8s/rds-controller PR #251 met the Decrypt/GenerateDataKey need)",
    }),
    {
        call: "rds:DeleteDBInstance",
        types: [INSTANCE],
        when: finalSnapshot,
        needs: (r, s) => {
            const snapshot = `arn:${s.partition}:rds:${s.region}:${s.account}:snapshot:${r.inputs.finalSnapshotIdentifier}`;
            return [
                deployer("rds:CreateDBSnapshot", `${r.outputs.arn}${AUTONAME_SUFFIX}`),
                deployer("rds:CreateDBSnapshot", snapshot),
                deployer("rds:AddTagsToResource", snapshot),
            ];
        },
        source:
            "Service Authorization Reference (RDS): DeleteDBInstance, dependent actions rds:AddTagsToResource, rds:CreateDBSnapshot (the final snapshot); " +
            "CreateDBSnapshot resource types db*, snapshot*",
    },
    {
        call: "rds:DeleteDBCluster",
        types: [CLUSTER],
        when: finalSnapshot,
        needs: (r, s) => {
            const snapshot = `arn:${s.partition}:rds:${s.region}:${s.account}:cluster-snapshot:${r.inputs.finalSnapshotIdentifier}`;
            return [
                deployer("rds:CreateDBClusterSnapshot", `${r.outputs.arn}${AUTONAME_SUFFIX}`),
                deployer("rds:CreateDBClusterSnapshot", snapshot),
                deployer("rds:AddTagsToResource", snapshot),
            ];
        },
        source:
            "Service Authorization Reference (RDS): DeleteDBCluster, dependent actions rds:AddTagsToResource, rds:CreateDBClusterSnapshot, rds:DeleteDBInstance; " +
            "CreateDBClusterSnapshot resource types cluster*, cluster-snapshot*",
    },
];

/** The runner's Lambda calls, on the ARNs the function really gets (unqualified and published version). */
const FUNCTION_CALLS = [
    "lambda:CreateFunction",
    "lambda:DeleteFunction",
    "lambda:GetFunction",
    "lambda:GetFunctionCodeSigningConfig",
    "lambda:ListVersionsByFunction",
    "lambda:PublishVersion",
    "lambda:TagResource",
    "lambda:UntagResource",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
];

export const SCOPED_CALLS: readonly PermissionRow[] = [
    {
        call: "lambda:*",
        types: [FUNCTION],
        needs: (r) => FUNCTION_CALLS.map((a) => deployer(a, functionArn(r.outputs.arn))),
        source:
            "Service Authorization Reference (Lambda): each of these takes the function* resource type; Lambda Developer Guide, " +
            '"Fine-tuning the Resources and Conditions sections of policies": function actions can be restricted by function, version or alias ARN',
    },
    {
        call: "lambda:InvokeFunction",
        types: [DATABASE_USER],
        when: (r) => typeof r.inputs.runnerFunction === "string",
        needs: (r) => {
            const version = `${functionArn(r.inputs.runnerFunction)}:${VERSION}`;
            return [deployer("lambda:GetFunction", version), deployer("lambda:InvokeFunction", version)];
        },
        source:
            "the DatabaseUser provider invokes the runner's published version (function:<name>:<version>) after checking its CodeSha256 and " +
            "configuration with GetFunction on that version; a qualified request is authorized against the qualified ARN (Lambda Developer Guide, as above)",
    },
    {
        call: "secretsmanager:GetSecretValue",
        types: [DATABASE_USER],
        when: (r) => typeof r.inputs.master?.secretArn === "string",
        needs: (r) => [deployer("secretsmanager:GetSecretValue", r.inputs.master.secretArn)],
        source: "the DatabaseUser provider reads the RDS-managed master secret (rds!…) at each operation",
    },
    {
        call: "rds-db:connect",
        types: [DATABASE_USER],
        when: (r) => r.inputs.master?.iamAuth === true && r.inputs.sqlRunner !== "lambda",
        needs: (r, s) => [
            deployer(
                "rds-db:connect",
                `arn:${s.partition}:rds-db:${s.region}:${s.account}:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/${r.inputs.master.username}`,
            ),
        ],
        source:
            'an IAM-only master (masterPassword "iam"): the DatabaseUser provider logs in as the master with a token the deployer signs; ' +
            '"the IAM identity needs rds-db:connect on arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>" (RDS User Guide, ' +
            '"Creating and using an IAM policy for IAM database access")',
    },
    {
        call: "ec2:DeleteSecurityGroup",
        types: [SECURITY_GROUP],
        needs: (_r, s) => {
            const eni = `arn:${s.partition}:ec2:${s.region}:${s.account}:network-interface/eni-0a1b2c3d4e5f67890`;
            const instance = `arn:${s.partition}:ec2:${s.region}:${s.account}:instance/i-0a1b2c3d4e5f67890`;
            return [
                deployer("ec2:DescribeNetworkInterfaces", "*"),
                deployer("ec2:DetachNetworkInterface", eni),
                deployer("ec2:DetachNetworkInterface", instance),
                deployer("ec2:DeleteNetworkInterface", eni),
            ];
        },
        source:
            "hashicorp/terraform-provider-aws internal/service/ec2/vpc_network_interface.go deleteLingeringLambdaENIs (from the security group's delete): " +
            'waits up to 45 minutes for the group\'s "AWS Lambda VPC ENI*" interfaces, then detaches and deletes those left; ' +
            "Service Authorization Reference (EC2): DetachNetworkInterface resource types instance*, network-interface*; DeleteNetworkInterface network-interface*; " +
            'DescribeNetworkInterfaces no resource type ("*")',
    },
];
