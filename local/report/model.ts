/** What a rehearsal found, as the access report shows it: who reaches which database user, with what. */

/** A workload's IAM identity and what it was granted. */
export interface ReportPrincipal {
    /** The workload's name in the stack config. */
    readonly name: string;
    /** "ec2", "lambda", "ecs-tasks". */
    readonly service: string;
    readonly roleArn: string;
    readonly instanceProfile?: string;
    /** IAM users and groups that carry the same connect policy. */
    readonly iamUsers: readonly string[];
    readonly iamGroups: readonly string[];
    /** Database users the policy names. */
    readonly grants: readonly string[];
    /** "proxy" when the workload's grants name the stack's RDS Proxy (prx-…), not the database. */
    readonly via?: "database" | "proxy";
}

export interface ReportUser {
    readonly username: string;
    readonly privileges: readonly string[];
}

/** One statement run after a login, to show what the user's privileges allow and refuse. */
export interface Probe {
    readonly statement: string;
    /** What the statement needs (a privilege of the vocabulary, or "login" for SELECT 1). */
    readonly needs: string;
    readonly expected: "succeeds" | "refused";
    readonly observed: "succeeds" | "refused";
    /** The server's answer when refused. */
    readonly detail: string;
}

export interface ReportLogin {
    /** A workload's name, or "outsider": a principal with no policy, to show what a stranger gets. */
    readonly principal: string;
    readonly user: string;
    readonly expected: "allowed" | "denied";
    readonly observed: "allowed" | "denied";
    /** The IAM emulator's reason (every denial has one). */
    readonly reason: string;
    /** Statements run after an allowed login. */
    readonly probes: readonly Probe[];
    /** The endpoint tried: the database's own (the default) or the stack's RDS Proxy. */
    readonly through?: "database" | "proxy";
}

/** The RDS Proxy in front of the database, when the stack has one. */
export interface ReportProxy {
    readonly endpoint: string;
    /** The prx- id that workloads' grants name. */
    readonly resourceId: string;
    /** The proxy's own role, which logs into the database with end-to-end IAM. */
    readonly roleArn: string;
    /** The database users that role may connect as. */
    readonly users: readonly string[];
}

export interface ReportFinding {
    readonly rule: string;
    readonly enforcement: "mandatory" | "advisory";
    readonly message: string;
}

export interface AccessReport {
    readonly stack: string;
    /** When the stack file is an example rehearsed in place of a missing Pulumi.<stack>.yaml. */
    readonly stackFile: string;
    readonly engine: string;
    readonly region: string;
    readonly database: { readonly address: string; readonly resourceId: string; readonly name: string };
    readonly principals: readonly ReportPrincipal[];
    readonly proxy?: ReportProxy;
    readonly users: readonly ReportUser[];
    readonly logins: readonly ReportLogin[];
    readonly findings: readonly ReportFinding[];
    /** Where the users' SQL ran in the rehearsal ("deployer" or the runner function). */
    readonly sqlRunner: string;
    /** The users as the provider reported them after creating them. */
    readonly created: readonly {
        username: string;
        iamAuthentication: boolean;
        privileges: readonly string[];
    }[];
}

/** Logins and probes that did not go as the stack's policies and privileges say. */
export function mismatches(report: AccessReport): string[] {
    const problems: string[] = [];
    for (const login of report.logins) {
        const where = login.through === "proxy" ? " (through the proxy)" : "";
        if (login.expected !== login.observed) {
            problems.push(
                `${login.principal} → ${login.user}${where}: expected ${login.expected}, observed ${login.observed} (${login.reason})`,
            );
        }
        for (const probe of login.probes) {
            if (probe.expected !== probe.observed) {
                problems.push(
                    `${login.principal} → ${login.user}${where}: ${probe.statement} expected to be ${probe.expected === "succeeds" ? "allowed" : "refused"}, was ${probe.observed === "succeeds" ? "allowed" : "refused"}${probe.detail ? ` (${probe.detail})` : ""}`,
                );
            }
        }
    }
    return problems;
}
