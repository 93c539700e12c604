/**
 * Every way a managed policy reaches an IAM principal in a Pulumi AWS program, and the AWS managed
 * policies that give a database identity far more than rds-db:connect on its users. Pure.
 */

export interface ManagedPolicyFacts {
    readonly name: string;
    /** What it grants, for messages. */
    readonly grants: string;
    /** Does it allow rds-db:connect (on every database user)? */
    readonly connects?: boolean;
}

/** AWS managed policies (AWS Managed Policy Reference) that grant connect to every user or RDS control. */
const BROAD: readonly ManagedPolicyFacts[] = [
    {
        name: "AdministratorAccess",
        grants: "every action on every resource, rds-db:connect as every database user and full RDS control included",
        connects: true,
    },
    {
        name: "PowerUserAccess",
        grants: "every action except IAM, Organizations and Account management (NotAction), rds-db:connect as every database user and full RDS control included",
        connects: true,
    },
    {
        name: "AmazonRDSFullAccess",
        grants: "full RDS control (rds:*): create, modify (master password included), delete and restore any database",
    },
    {
        name: "AmazonRDSDataFullAccess",
        grants: "the RDS Data API with the Secrets Manager secrets it reads, master credentials included",
    },
    {
        name: "job-function/DatabaseAdministrator",
        grants: "RDS control (rds:*) among other database services' administration",
    },
];

/** AWS managed policies that read every secret, the RDS-managed master secrets (rds!…) included. */
const SECRET_READERS: readonly ManagedPolicyFacts[] = [
    {
        name: "SecretsManagerReadWrite",
        grants: "secretsmanager:* on every secret, the RDS-managed master secrets (rds!…) and so every database's master password included",
    },
];

/** The name of the AWS managed policy an ARN names (`arn:<partition>:iam::aws:policy/…`), in any partition. */
function awsManagedName(policyArn: unknown): string | undefined {
    if (typeof policyArn !== "string") return undefined;
    return /^arn:[a-z-]+:iam::aws:policy\/(?:service-role\/)?(.+)$/.exec(policyArn)?.[1];
}

/** The broad AWS managed policy an ARN names, in any partition. */
export function broadManagedPolicy(policyArn: unknown): ManagedPolicyFacts | undefined {
    const name = awsManagedName(policyArn);
    return BROAD.find((p) => p.name === name);
}

/** The AWS managed policy an ARN names if it reads every secret (SecretsManagerReadWrite), in any partition. */
export function secretReaderPolicy(policyArn: unknown): ManagedPolicyFacts | undefined {
    const name = awsManagedName(policyArn);
    return SECRET_READERS.find((p) => p.name === name);
}

export interface ManagedAttachment {
    /** e.g. `role "api-role"`, `users "alice", "bob"`. */
    readonly principal: string;
    readonly policyArns: readonly string[];
}

const quoted = (values: unknown): string =>
    (Array.isArray(values) ? values : [values])
        .filter((v) => v !== undefined)
        .map((v) => JSON.stringify(v))
        .join(", ");

/** The managed policy ARNs a resource attaches, and to whom. */
export function managedAttachments(
    type: string,
    name: string,
    props: Record<string, any>,
): ManagedAttachment[] {
    switch (type) {
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            return [{ principal: `role ${quoted(props.role)}`, policyArns: [props.policyArn] }];
        case "aws:iam/userPolicyAttachment:UserPolicyAttachment":
            return [{ principal: `user ${quoted(props.user)}`, policyArns: [props.policyArn] }];
        case "aws:iam/groupPolicyAttachment:GroupPolicyAttachment":
            return [{ principal: `group ${quoted(props.group)}`, policyArns: [props.policyArn] }];
        case "aws:iam/policyAttachment:PolicyAttachment": {
            const who = [
                props.roles?.length ? `roles ${quoted(props.roles)}` : undefined,
                props.users?.length ? `users ${quoted(props.users)}` : undefined,
                props.groups?.length ? `groups ${quoted(props.groups)}` : undefined,
            ].filter((w) => w !== undefined);
            return [{ principal: who.join(" and ") || "no principal yet", policyArns: [props.policyArn] }];
        }
        case "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive":
            return [{ principal: `role ${quoted(props.roleName)}`, policyArns: props.policyArns ?? [] }];
        case "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive":
            return [{ principal: `user ${quoted(props.userName)}`, policyArns: props.policyArns ?? [] }];
        case "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive":
            return [{ principal: `group ${quoted(props.groupName)}`, policyArns: props.policyArns ?? [] }];
        case "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment":
            // IAM Identity Center: an AWS managed policy in a permission set reaches every user it is assigned to.
            return [
                {
                    principal: `permission set ${quoted(props.permissionSetArn)}`,
                    policyArns: [props.managedPolicyArn],
                },
            ];
        case "aws:iam/role:Role":
            return [
                {
                    principal: `role ${quoted(props.name ?? name)}`,
                    policyArns: props.managedPolicyArns ?? [],
                },
            ];
        default:
            return [];
    }
}
