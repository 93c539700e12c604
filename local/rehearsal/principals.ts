/**
 * The IAM identities a stack makes, read from what the program registered: each workload's role
 * with the policy documents attached to it, its instance profile, and the IAM users and groups that
 * carry the same policy (`attachToUsers` / `attachToGroups`).
 */
import type { NamedDocument } from "../emulator/iamPolicy";
import type { RecordedResource } from "../pulumi/mocks";
import type { ReportPrincipal } from "../report/model";
import type { WorkloadVia } from "../../stack/proxyConfig";

export interface StackPrincipal extends ReportPrincipal {
    /** The policy documents that reach the role. */
    readonly policies: readonly NamedDocument[];
    /** How the workload reaches the database (stack config `workloads[].via`; default "database"). */
    readonly via: WorkloadVia;
}

function policiesByArn(resources: readonly RecordedResource[]): Map<string, NamedDocument> {
    return new Map(
        resources
            .filter((r) => r.type === "aws:iam/policy:Policy")
            .map((r) => [String(r.outputs.arn), { name: r.name, document: r.outputs.policy }]),
    );
}

/** The principal of each workload, by the workload's name in the stack config. */
export function stackPrincipals(
    resources: readonly RecordedResource[],
    workloads: readonly { name: string; service: string; users: readonly string[]; via?: WorkloadVia }[],
    roleArns: Record<string, string>,
    instanceProfiles: Record<string, string>,
): StackPrincipal[] {
    const policies = policiesByArn(resources);
    const attached = (type: string, key: string, value: string) =>
        resources
            .filter((r) => r.type === type && r.outputs[key] === value)
            .map((r) => String(r.outputs.policyArn));
    return workloads.map((w) => {
        const roleArn = roleArns[w.name];
        const roleName = roleArn.split("/").pop() as string;
        const policyArns = attached("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role", roleName);
        const holders = (type: string, key: string) =>
            resources
                .filter(
                    (r) =>
                        r.type === type &&
                        policyArns.includes(String(r.outputs.policyArn)) &&
                        policies.has(String(r.outputs.policyArn)),
                )
                .map((r) => String(r.outputs[key]));
        return {
            name: w.name,
            service: w.service,
            roleArn,
            instanceProfile: instanceProfiles[w.name],
            iamUsers: holders("aws:iam/userPolicyAttachment:UserPolicyAttachment", "user"),
            iamGroups: holders("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "group"),
            grants: [...w.users],
            via: w.via ?? "database",
            policies: policyArns.flatMap((arn) =>
                policies.has(arn) ? [policies.get(arn) as NamedDocument] : [],
            ),
        };
    });
}
