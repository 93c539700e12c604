import { StackValidationPolicy } from "@pulumi/policy";
import { indexProxies, targetUserArn } from "../lib/proxies";
import { derivedFrom, indexEngines } from "../lib/sourceEngine";
import { IndexedResource, indexStack } from "../lib/stackIndex";

const quoted = (values: Iterable<string>) => [...values].map((v) => `"${v}"`).join(", ");

/** What the mandatory rules could not check because what they need is not in the stack, as [message, urn]. Pure. */
export function undecided(resources: readonly IndexedResource[]): [string, string][] {
    const out: [string, string][] = [];
    const engines = indexEngines(resources);
    for (const db of indexStack(resources).databases) {
        const derived = derivedFrom(db);
        if (derived === undefined || engines.engineOf(db).engine !== undefined) continue;
        out.push([
            `RDS instance "${db.name}" is ${derived.kind} "${derived.source}", whose engine this stack does not show, and states no engine: rds-iam-replica-iam-auth and rds-iam-tls-enforced cannot tell whether it needs IAM authentication (never inherited from the source) and a TLS-forcing parameter group. Set engine to the source's engine, or give it a parameter group in this stack (its family names the engine).`,
            db.urn,
        ]);
    }
    for (const facts of indexProxies(resources).proxies) {
        if (!facts.endToEndIam || facts.users.size === 0 || facts.roleArn === undefined) continue;
        const what = `RDS Proxy "${facts.proxy.name}" logs in as ${quoted(facts.users.keys())} for its workloads`;
        const cannot = "rds-iam-proxy-role-connects cannot check that its role may connect as them";
        if (facts.role === undefined) {
            out.push([
                `${what}, but its role ${facts.roleArn} is not in this stack: ${cannot}.`,
                facts.proxy.urn,
            ]);
        } else if (facts.targets.length === 0) {
            const missing =
                facts.missingTargets.length > 0 ? quoted(facts.missingTargets) : "(no ProxyTarget)";
            out.push([
                `${what}, but its target database ${missing} is not in this stack: ${cannot}.`,
                facts.proxy.urn,
            ]);
        } else {
            for (const db of facts.targets.filter((db) => targetUserArn(db, "u", resources) === undefined))
                out.push([
                    `${what}, but the resource id, region or account of its target "${db.name}" is not known: ${cannot}.`,
                    facts.proxy.urn,
                ]);
        }
    }
    return out;
}

export const cannotDecide: StackValidationPolicy = {
    name: "rds-iam-cannot-decide",
    description:
        "Says which checks the pack could not make because what they need is outside the stack: the engine of a read replica or restore whose source is elsewhere, the role or target database of an RDS Proxy with end-to-end IAM.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        "Manage the source database, the proxy's role or its target in this stack, or state what the pack cannot see (engine on a replica; a parameter group whose family names the engine); then check the finding's concern by hand.",
    validateStack: (args, reportViolation) => {
        for (const [message, urn] of undecided(args.resources)) reportViolation(message, urn);
    },
};
