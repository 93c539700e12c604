/**
 * The IAM roles of a stack and every policy document that reaches each: its inline policies,
 * RolePolicy resources, and managed policies attached by RolePolicyAttachment, PolicyAttachment,
 * RolePolicyAttachmentsExclusive or Role.managedPolicyArns — customer policies of the stack by ARN
 * or name, AWS managed ones that allow rds-db:connect as a stand-in document. Roles are found by
 * name or ARN, as programs pass either. Linear in the number of resources; cached per stack.
 */
import { connectGrants, mayReachService, readPolicy } from "./grants";
import { Statement } from "./iam";
import { broadManagedPolicy } from "./managedPolicies";
import { ROLE, list } from "./resources";
import { IndexedResource, known } from "./stackIndex";

export interface RoleDocument {
    /** How messages name it: `policy "api-connect"`, `role policy "proxy-connect"`, `AWS managed policy AdministratorAccess`. */
    readonly name: string;
    readonly document: unknown;
}

export interface RoleIndex {
    readonly roles: readonly IndexedResource[];
    /** The role a name, an ARN or a Role's id refers to, if it is in the stack. */
    roleFor(ref: unknown): IndexedResource | undefined;
    documentsOf(role: IndexedResource): readonly RoleDocument[];
}

/** The last part of an IAM ARN's path (`arn:aws:iam::1:role/path/name` → `name`), or the value itself. */
const lastName = (ref: string) => (ref.startsWith("arn:") ? ref.slice(ref.lastIndexOf("/") + 1) : ref);

/** What an AWS managed policy that allows rds-db:connect grants of it, for evaluation. */
const connectEverywhere = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "rds-db:connect", Resource: "*" }],
};

const cache = new WeakMap<readonly IndexedResource[], RoleIndex>();

export function indexRoles(resources: readonly IndexedResource[]): RoleIndex {
    const cached = cache.get(resources);
    if (cached) return cached;
    const roles = resources.filter((r) => r.type === ROLE);
    const byArn = new Map<string, IndexedResource>();
    const byName = new Map<string, IndexedResource>();
    for (const role of roles) {
        const arn = known(() => role.props.arn);
        if (typeof arn === "string") byArn.set(arn, role);
        byName.set(String(known(() => role.props.name) ?? role.name), role);
    }
    const policies = new Map<string, IndexedResource>();
    for (const p of resources.filter((r) => r.type === "aws:iam/policy:Policy")) {
        const arn = known(() => p.props.arn);
        if (typeof arn === "string") policies.set(arn, p);
        policies.set(`name\u0000${known(() => p.props.name) ?? p.name}`, p);
    }
    const roleFor = (ref: unknown): IndexedResource | undefined =>
        typeof ref !== "string" ? undefined : (byArn.get(ref) ?? byName.get(lastName(ref)));

    const documents = new Map<IndexedResource, RoleDocument[]>(roles.map((r) => [r, []]));
    const add = (role: IndexedResource | undefined, doc: RoleDocument) => {
        if (role) documents.get(role)!.push(doc);
    };
    const attach = (role: IndexedResource | undefined, policyArn: unknown) => {
        if (role === undefined || typeof policyArn !== "string") return;
        const policy = policies.get(policyArn) ?? policies.get(`name\u0000${lastName(policyArn)}`);
        if (policy) return add(role, { name: `policy "${policy.name}"`, document: policy.props.policy });
        const managed = broadManagedPolicy(policyArn);
        if (managed?.connects)
            add(role, { name: `AWS managed policy ${managed.name}`, document: connectEverywhere });
    };
    for (const r of resources) {
        switch (r.type) {
            case ROLE:
                for (const p of r.props.inlinePolicies ?? [])
                    documents.get(r)!.push({ name: `inline policy "${p.name}"`, document: p.policy });
                for (const arn of r.props.managedPolicyArns ?? []) attach(r, arn);
                break;
            case "aws:iam/rolePolicy:RolePolicy":
                add(roleFor(r.props.role), { name: `role policy "${r.name}"`, document: r.props.policy });
                break;
            case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
                attach(roleFor(r.props.role), r.props.policyArn);
                break;
            case "aws:iam/policyAttachment:PolicyAttachment":
                for (const role of list(r.props.roles)) attach(roleFor(role), r.props.policyArn);
                break;
            case "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive":
                for (const arn of r.props.policyArns ?? []) attach(roleFor(r.props.roleName), arn);
                break;
        }
    }
    const index: RoleIndex = { roles, roleFor, documentsOf: (role) => documents.get(role) ?? [] };
    cache.set(resources, index);
    return index;
}

/** The Allow statements reaching a role that may grant rds-db:connect on rds-db resources, with their document's name. */
export function roleConnectGrants(
    index: RoleIndex,
    role: IndexedResource,
): { from: string; statement: Statement }[] {
    return index.documentsOf(role).flatMap((doc) =>
        connectGrants(readPolicy(doc.document).statements)
            .filter((s) => mayReachService(s, "rds-db"))
            .map((statement) => ({ from: doc.name, statement })),
    );
}
