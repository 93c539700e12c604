/**
 * IAM logins against a stack the engine deployed into the local cloud: the principals come from the
 * cloud's IAM resources (each workload's role and the policy documents attached to it, as AWS would
 * evaluate them), the emulator decides with the database's real resource id, and every principal ×
 * user is tried through the database's endpoint.
 */
import type { ReportLogin } from "../report/model";
import { Principal, createIamLoginVerifier } from "../emulator/verifier";
import { fakePrincipal } from "../emulator/principals";
import { ACCOUNT_ID } from "../pulumi/mockAnswers";
import type { RecordedResource } from "../pulumi/mocks";
import { principalSigners, tryLogins } from "../rehearsal/logins";
import { StackPrincipal, stackPrincipals } from "../rehearsal/principals";
import type { WorkloadVia } from "../../stack/proxyConfig";
import { probeTableStatements } from "../rehearsal/probes";
import { resetLoginDecider, setLoginDecider } from "../servers";
import type { CloudDatabase, LocalCloud } from "./cloud";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");

export interface StackLoginOptions {
    readonly workloads: readonly {
        name: string;
        service: string;
        users: readonly string[];
        via?: WorkloadVia;
    }[];
    readonly users: readonly { username: string; privileges?: readonly string[] }[];
    /** The stack's outputs roleArns / instanceProfileNames. */
    readonly roleArns: Record<string, string>;
    readonly instanceProfileNames?: Record<string, string>;
    readonly database: string;
}

/** Creates the probe table as the master (what an application's migration would have made). */
export async function createProbeTable(db: CloudDatabase, database: string): Promise<void> {
    const family = db.server.engine === "postgres" ? "postgres" : "mysql";
    for (const sql of probeTableStatements(family))
        await db.server.inspect(
            family === "postgres" ? `SET ROLE ${db.server.master.username}; ${sql}` : sql,
            [],
            database,
        );
}

/** The principals of the stack's workloads, read from the cloud's IAM resources. */
export function cloudPrincipals(
    cloud: LocalCloud,
    options: Pick<StackLoginOptions, "workloads" | "roleArns" | "instanceProfileNames">,
): StackPrincipal[] {
    const resources = cloud.resources().map(
        (r) =>
            ({
                type: r.type,
                name: String(r.outputs.name ?? r.id),
                inputs: r.inputs,
                outputs: r.outputs,
            }) as unknown as RecordedResource,
    );
    return stackPrincipals(
        resources,
        options.workloads,
        options.roleArns,
        options.instanceProfileNames ?? {},
    );
}

/**
 * Makes the local servers decide IAM logins as RDS would for this database: by its endpoint and
 * resource id, with the given principals' policies; a refusal is published to the database's
 * iam-db-auth-error log as RDS does. Undo with resetLoginDecider.
 */
export function decideLoginsAt(
    cloud: LocalCloud,
    db: CloudDatabase,
    principals: readonly Principal[] | (() => readonly Principal[]),
): void {
    const verifier = (current: readonly Principal[]) =>
        createIamLoginVerifier({
            databases: [
                {
                    engine: db.server.engine,
                    endpoint: db.address,
                    port: db.port,
                    region: db.region,
                    accountId: ACCOUNT_ID,
                    resourceId: db.resourceId,
                },
            ],
            principals: current,
        });
    // Principals given as a function are read at each login (roles a running `up` is still making).
    const fixed = typeof principals === "function" ? undefined : verifier(principals);
    // A refused IAM login is what RDS publishes to the iam-db-auth-error log.
    setLoginDecider(async (attempt) => {
        const verify = fixed ?? verifier((principals as () => readonly Principal[])());
        const decision = await verify(attempt);
        if (!decision.allow) cloud.publishIamAuthError(db, attempt.user, decision.reason);
        return decision;
    });
}

/**
 * The identity running pulumi against the local cloud: the access key its environment gives every
 * `pulumi` process, with the shipped deployer policy (stack/deployer-policy.json) as its only policy.
 */
export function deployerPrincipal(cloud: LocalCloud): Principal {
    const document = fs.readFileSync(path.join(REPO, "stack", "deployer-policy.json"), "utf8");
    return {
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`,
        accessKeyId: cloud.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: cloud.env.AWS_SECRET_ACCESS_KEY,
        policies: [{ name: "deployer-policy.json", document }],
    };
}

/**
 * A role of the stack as IAM evaluates it: its inline policies and the managed policies attached to
 * it, with the emulator's keys for the role (the ones the loopback Lambda gives its functions).
 */
export function cloudRolePrincipal(cloud: LocalCloud, roleArn: string): Principal {
    const roleName = roleArn.split("/").pop() as string;
    const inline = cloud
        .resources("aws:iam/rolePolicy:RolePolicy")
        .filter((r) => r.outputs.role === roleName)
        .map((r) => ({ name: String(r.outputs.name ?? r.id), document: r.outputs.policy }));
    const attached = new Set(
        cloud
            .resources("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((r) => r.outputs.role === roleName)
            .map((r) => String(r.outputs.policyArn)),
    );
    const managed = cloud
        .resources("aws:iam/policy:Policy")
        .filter((r) => attached.has(String(r.outputs.arn)))
        .map((r) => ({ name: String(r.outputs.name ?? r.id), document: r.outputs.policy }));
    return fakePrincipal(roleArn, [...inline, ...managed]);
}

/** The local cloud's RDS CA, as a client pins it. */
export function cloudCaCertificate(cloud: LocalCloud): string {
    return fs.readFileSync(cloud.caFile, "utf8");
}

/** Each login as a test compares it: principal, user, what was observed, and each probe as "<needs> <observed>". */
export function loginSummary(logins: readonly ReportLogin[]): [string, string, string, string[]][] {
    return logins.map((l) => [
        l.principal,
        l.user,
        l.observed,
        l.probes.map((p) => `${p.needs} ${p.observed}`),
    ]);
}

export async function cloudLogins(
    cloud: LocalCloud,
    db: CloudDatabase,
    options: StackLoginOptions,
): Promise<ReportLogin[]> {
    const principals = cloudPrincipals(cloud, options);
    const signers = principalSigners(principals);
    decideLoginsAt(
        cloud,
        db,
        signers.map((s) => s.identity),
    );
    try {
        return await tryLogins(
            {
                family: db.server.engine === "postgres" ? "postgres" : "mysql",
                address: db.address,
                port: db.port,
                connectHost: db.ip,
                connectPort: db.port,
                caCertificate: cloudCaCertificate(cloud),
                region: db.region,
                database: options.database,
            },
            signers,
            options.users,
        );
    } finally {
        resetLoginDecider();
    }
}
