/**
 * `npm run local` under the real Pulumi engine: the stack file (an example with its placeholders
 * filled, its security groups seeded in the account) deployed by `pulumi up --policy-pack policies`
 * into the local cloud, every principal × user logged in with IAM tokens against what the engine
 * deployed, then `pulumi destroy`. The same report as the mocks rehearsal (rehearsal.ts); the
 * findings are the ones the engine's analyzer printed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkStackConfig } from "../../stack/config";
import { LocalCloud, startLocalCloud } from "../aws/cloud";
import { cloudLogins, cloudPrincipals, createProbeTable } from "../aws/cloudLogins";
import { cloudProxyFor, cloudProxyLogins } from "../aws/cloudProxyLogins";
import { EngineFound, REPO, RunResult, Workspace, createWorkspace } from "../engine/pulumi";
import type { AccessReport, ReportFinding } from "../report/model";
import { ConfigurationError, rawConfig } from "./rehearsal";
import { StackFile, fillPlaceholdersInText } from "./stackFile";

const DATABASE_USER = "pulumi-nodejs:dynamic/rds-iam:DatabaseUser";

/** The policy pack's lines in the CLI's output: `- [mandatory] [severity: high]  <rule>  (<type>: <name>)`, then the message. */
export function engineFindings(stdout: string): ReportFinding[] {
    const lines = stdout.split("\n");
    const findings: ReportFinding[] = [];
    lines.forEach((line, i) => {
        const m = /^\s*- \[(mandatory|advisory)\] \[severity: \w+\]\s+(\S+)\s+\((.*)\)\s*$/.exec(line);
        if (m === null) return;
        // The rule's description, then the violation itself, indented under the heading line.
        const body: string[] = [];
        for (let j = i + 1; j < lines.length && /^\s{10}\S/.test(lines[j]); j++) body.push(lines[j].trim());
        findings.push({
            rule: m[2],
            enforcement: m[1] as ReportFinding["enforcement"],
            message: `${m[3]}: ${body[body.length - 1] ?? ""}`,
        });
    });
    return findings;
}

async function must(what: string, run: Promise<RunResult>): Promise<RunResult> {
    const r = await run;
    if (r.code !== 0)
        throw new Error(
            `pulumi ${what} failed (exit ${r.code}):\n${r.stdout.slice(-6000)}\n${r.stderr.slice(-2000)}`,
        );
    return r;
}

export async function rehearseWithEngine(
    stackFile: StackFile,
    engine: EngineFound,
    options: { log?: (line: string) => void } = {},
): Promise<AccessReport> {
    const log = options.log ?? (() => undefined);
    const { config: checked, failures } = checkStackConfig(rawConfig(stackFile.config));
    if (checked === undefined) {
        throw new ConfigurationError(
            `${stackFile.file} has ${failures.length} problem(s):\n` +
                failures.map((f) => `  ${f.property}: ${f.reason}`).join("\n"),
        );
    }
    const cloud: LocalCloud = await startLocalCloud();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-local-"));
    let ws: Workspace | undefined;
    try {
        // The stack file as a user's copy of it: placeholders filled, and the security groups it
        // names already in the account (the real ones would be).
        const { text, filled } = fillPlaceholdersInText(
            fs.readFileSync(path.join(REPO, stackFile.file), "utf8"),
        );
        const vpcId =
            [...filled].find(([from]) => from.startsWith("vpc-"))?.[1] ?? stackFile.config["rds-iam:vpcId"];
        for (const [from, id] of filled)
            if (from.startsWith("sg-"))
                cloud.seed("aws:ec2/securityGroup:SecurityGroup", id, { name: from, vpcId });
        const file = path.join(scratch, `Pulumi.${stackFile.stack}.yaml`);
        fs.writeFileSync(file, text);
        ws = createWorkspace({ engine, cloudEnv: cloud.env, stackFiles: { [path.basename(file)]: file } });
        await must("stack init", ws.pulumi(["stack", "init", stackFile.stack]));
        // The local cloud's databases carry certificates of its own CA, not Amazon's.
        await must("config set", ws.pulumi(["config", "set", "rds-iam:caBundleFile", cloud.caFile]));
        log(
            `deploying stack "${stackFile.stack}" (${stackFile.file}) with pulumi up --policy-pack policies (${engine.version})…`,
        );
        const up = await ws.pulumi(["up", "--yes", "--policy-pack", path.join(REPO, "policies")]);
        // In the preview half of `up` a policy that meets an unknown value reports it as an advisory
        // "can't run policy … during preview"; the update half runs it again on the real values.
        const all = engineFindings(up.stdout);
        const deferred = all.filter((f) => /can't run policy .* during preview/.test(f.message));
        const findings = up.code === 0 ? all.filter((f) => !deferred.includes(f)) : all;
        if (up.code === 0 && deferred.length > 0)
            log(`  ${deferred.length} policy checks met values unknown in the preview and ran in the update`);
        const report = {
            stack: stackFile.stack,
            stackFile: stackFile.file,
            engine: checked.engine,
            users: checked.users.map((u) => ({ username: u.username, privileges: u.privileges ?? [] })),
            findings,
        };
        if (up.code !== 0) {
            // A mandatory violation stops the update before anything is made: the report says which.
            if (!findings.some((f) => f.enforcement === "mandatory")) await must("up", Promise.resolve(up));
            const region = String(stackFile.config["aws:region"] ?? "us-east-1");
            const none = {
                address: "(not deployed)",
                resourceId: "(not deployed)",
                name: checked.databaseName,
            };
            return {
                ...report,
                region,
                database: none,
                principals: [],
                logins: [],
                created: [],
                sqlRunner: "none (not deployed)",
            };
        }
        const outputs = JSON.parse(
            (await must("stack output", ws.pulumi(["stack", "output", "--json", "--show-secrets"]))).stdout,
        );
        const [db] = [...cloud.databases.values()];
        if (db === undefined) throw new Error(`pulumi up made no database:\n${up.stdout.slice(-4000)}`);
        log(
            `  ${cloud.resources().length} resources in the local cloud; database ${db.address} (${db.resourceId}), a throwaway ${db.server.label}`,
        );
        const database = checked.databaseName;
        await createProbeTable(db, database);
        const state = await ws.exportState();
        const created = (state.deployment.resources ?? [])
            .filter((r: any) => r.type === DATABASE_USER)
            .map((r: any) => ({
                username: String(r.outputs.username),
                iamAuthentication: r.outputs.iamAuthentication === true,
                privileges: r.outputs.privileges as string[],
            }));
        for (const u of created)
            log(`  created DatabaseUser ${u.username} (${u.privileges.join(", ") || "login only"})`);
        const who = {
            workloads: checked.workloads,
            users: checked.users,
            roleArns: outputs.roleArns ?? {},
            instanceProfileNames: outputs.instanceProfileNames ?? {},
            database,
        };
        const logins = await cloudLogins(cloud, db, who);
        // With an RDS Proxy in front, every principal is tried through it as well (end-to-end IAM).
        const found = cloudProxyFor(cloud, db);
        const proxy = found && {
            endpoint: found.endpoint,
            resourceId: found.resourceId,
            roleArn: found.role.arn,
            users: found.users,
        };
        if (found !== undefined) {
            log(`  RDS Proxy ${found.endpoint} (${found.resourceId}): trying every principal through it…`);
            logins.push(...(await cloudProxyLogins(cloud, db, who)));
        }
        const runner = cloud.lambda.invocations.length > 0;
        return {
            ...report,
            region: db.region,
            database: { address: db.address, resourceId: db.resourceId, name: database },
            principals: cloudPrincipals(cloud, who).map(({ policies: _policies, ...p }) => p),
            ...(proxy === undefined ? {} : { proxy }),
            logins,
            created,
            sqlRunner: runner
                ? `the SQL runner function, as deployed by pulumi up (${cloud.lambda.invocations.length} invocations of the loopback Lambda)`
                : 'the machine running Pulumi (sqlRunner "deployer")',
        };
    } finally {
        if (ws !== undefined) {
            log("  pulumi destroy…");
            await ws.pulumi(["config", "set", "rds-iam:deletionProtection", "false"]);
            await ws.pulumi(["up", "--yes", "--skip-preview"]);
            await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
            ws.remove();
        }
        await cloud.close();
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}
