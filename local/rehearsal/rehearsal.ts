/**
 * A local rehearsal of a stack, without AWS: evaluate index.ts under mocks, let a throwaway server
 * play the stack's database, create the stack's DatabaseUsers through the real dynamic-provider
 * host (master password from a loopback Secrets Manager under the stack's secret ARN), then log in
 * as every workload role × every user with IAM tokens checked by the emulator.
 */
import { engineFamily, isEngine } from "../../components/engines";
import { getMysqlConnectionOptions, getPgConnectionOptions } from "../../components/client";
import { TokenCache } from "../../components/client/tokenCache";
import { NamedDocument } from "../emulator/iamPolicy";
import { fakePrincipal } from "../emulator/principals";
import { Principal, createIamLoginVerifier } from "../emulator/verifier";
import { serializeProvider, startDynamicProviderHost } from "../pulumi/dynamicProviderHost";
import { startFakeSecretsManager } from "../aws/secretsManager";
import { ACCOUNT_ID, RecordedResource, recordStack, stackConfig } from "../pulumi/mocks";
import { ThrowawayServer, getTestServers, loginLog, resetLoginDecider, setLoginDecider } from "../servers";
import { databaseUserProvider } from "../../components/provider/provider";

export interface AccessRow {
    readonly role: string;
    readonly user: string;
    readonly database: string;
    readonly expected: "allowed" | "denied";
    readonly observed: "allowed" | "denied";
    readonly reason: string;
}

export interface Rehearsal {
    readonly stack: string;
    readonly engine: string;
    readonly rows: AccessRow[];
    readonly mismatches: AccessRow[];
}

interface Workload {
    readonly name: string;
    readonly users: string[];
}

/** The policy documents attached to a role, read from what the program registered. */
function policiesOfRole(resources: readonly RecordedResource[], roleName: string): NamedDocument[] {
    const policyArns = resources
        .filter(
            (r) =>
                r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.outputs.role === roleName,
        )
        .map((r) => r.outputs.policyArn);
    return resources
        .filter((r) => r.type === "aws:iam/policy:Policy" && policyArns.includes(r.outputs.arn))
        .map((r) => ({ name: r.name, document: r.outputs.policy }));
}

async function loginAs(
    server: ThrowawayServer,
    engine: string,
    principal: Principal,
    user: string,
    database: string,
    region: string,
): Promise<void> {
    const request = {
        engine: engine as "postgres",
        host: server.endpoint,
        port: server.port,
        username: user,
        region,
        database,
        credentials: {
            accessKeyId: principal.accessKeyId,
            secretAccessKey: principal.secretAccessKey,
            sessionToken: principal.sessionToken,
        },
        connectHost: server.host,
        caCertificate: server.caCertificate,
        tokenCache: new TokenCache(),
    };
    if (server.engine === "postgres") {
        const pg = require("pg") as typeof import("pg");
        const client = new pg.Client(getPgConnectionOptions(request));
        await client.connect();
        await client.query("SELECT 1");
        await client.end();
    } else {
        const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
        const connection = await mysql.createConnection(
            await getMysqlConnectionOptions({ ...request, engine: "mysql" }),
        );
        await connection.query("SELECT 1");
        await connection.end();
    }
}

export async function rehearse(
    stack: string,
    log: (line: string) => void = () => undefined,
): Promise<Rehearsal> {
    const config = stackConfig(stack);
    const engine = String(config["rds-iam:engine"] ?? "postgres");
    if (!isEngine(engine))
        throw new Error(`Pulumi.${stack}.yaml: unknown rds-iam:engine ${JSON.stringify(engine)}`);
    const region = String(config["aws:region"] ?? "us-east-1");
    const databaseName = String(config["rds-iam:databaseName"] ?? "app");
    const workloads = (config["rds-iam:workloads"] ?? []) as Workload[];

    log(`evaluating index.ts for stack "${stack}" under mocks…`);
    const { resources, outputs } = await recordStack(config);
    log(`  ${resources.length} resources; database resource id ${outputs.resourceId}`);

    log("starting throwaway PostgreSQL and MariaDB…");
    const servers = await getTestServers();
    const server = engineFamily(engine) === "postgres" ? servers.postgres : servers.mariadb;
    log(
        `  ${server.engine} plays ${engine} database ${outputs.resourceId} at ${server.endpoint}:${server.port} (${servers.startupMs} ms)`,
    );
    if (server.engine === "postgres") {
        const exists = await server.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName]);
        if (exists.length === 0) await server.query(`CREATE DATABASE ${databaseName}`);
    } else {
        await server.query(`CREATE DATABASE IF NOT EXISTS \`${databaseName}\``);
    }

    // The provider reads the master password by the stack's secret ARN, as it would on AWS.
    const secrets = await startFakeSecretsManager();
    const secretArn = String(outputs.masterSecretArn);
    secrets.secrets.set(
        secretArn,
        JSON.stringify({ username: server.master.username, password: server.master.password }),
    );
    const env = {
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_EC2_METADATA_DISABLED: "true",
    };
    const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);

    const host = await startDynamicProviderHost(await serializeProvider(databaseUserProvider));
    const created: { id: string; properties: Record<string, unknown> }[] = [];
    try {
        for (const r of resources.filter((x) => x.type === "pulumi-nodejs:dynamic/rds-iam:DatabaseUser")) {
            const { __provider: _provider, ...inputs } = r.inputs;
            const checked = await host.check(
                {},
                {
                    ...inputs,
                    host: server.endpoint,
                    port: server.port,
                    connectHost: server.host,
                    caCertificate: server.caCertificate,
                    master: { username: server.master.username, secretArn },
                },
            );
            if (checked.failures.length > 0)
                throw new Error(`${r.name}: ${JSON.stringify(checked.failures)}`);
            created.push(await host.create(checked.inputs));
            log(
                `  created DatabaseUser ${inputs.username} (${(inputs.privileges as string[]).join(", ") || "login only"}) through the dynamic-provider host`,
            );
        }

        const roleArns = outputs.roleArns as Record<string, string>;
        const principals = workloads.map((w) =>
            fakePrincipal(
                roleArns[w.name],
                policiesOfRole(resources, roleArns[w.name].split("/").pop() as string),
            ),
        );
        const outsider = fakePrincipal(`arn:aws:iam::${ACCOUNT_ID}:role/outsider`, []);
        setLoginDecider(
            createIamLoginVerifier({
                databases: [
                    {
                        engine: server.engine,
                        endpoint: server.endpoint,
                        port: server.port,
                        region,
                        accountId: ACCOUNT_ID,
                        resourceId: String(outputs.resourceId),
                    },
                ],
                principals: [...principals, outsider],
            }),
        );

        const users = ((config["rds-iam:users"] ?? []) as { username: string }[]).map((u) => u.username);
        const rows: AccessRow[] = [];
        const who = [
            ...workloads.map((w, i) => ({ role: w.name, principal: principals[i], users: w.users })),
            { role: "outsider", principal: outsider, users: [] as string[] },
        ];
        for (const { role, principal, users: granted } of who) {
            for (const user of users) {
                const before = loginLog.length;
                let observed: AccessRow["observed"] = "allowed";
                let reason = "";
                try {
                    await loginAs(server, engine, principal, user, databaseName, region);
                } catch (e) {
                    observed = "denied";
                    reason = (e as Error).message;
                }
                if (loginLog.length > before) reason = String(loginLog.at(-1)?.reason);
                const row: AccessRow = {
                    role,
                    user,
                    database: String(outputs.resourceId),
                    expected: granted.includes(user) ? "allowed" : "denied",
                    observed,
                    reason,
                };
                rows.push(row);
                log(
                    `  ${role} → ${user}: ${observed}${row.expected === observed ? "" : `  (EXPECTED ${row.expected})`}`,
                );
            }
        }
        return { stack, engine, rows, mismatches: rows.filter((r) => r.expected !== r.observed) };
    } finally {
        resetLoginDecider();
        for (const c of created)
            await host
                .delete(c.id, c.properties)
                .catch((e) => log(`  could not delete ${c.id}: ${(e as Error).message}`));
        await host.stop();
        await secrets.close();
        for (const [k, v] of Object.entries(savedEnv)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    }
}

/** The access map as Mermaid in Markdown: roles → users they may log in as, on the database. */
export function accessMapMarkdown(r: Rehearsal): string {
    const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");
    const lines = ["flowchart LR"];
    const database = r.rows[0]?.database ?? "database";
    lines.push(`  db[("${r.engine} ${database}")]`);
    for (const user of [...new Set(r.rows.map((x) => x.user))])
        lines.push(`  u_${id(user)}["db user ${user}"] --> db`);
    for (const row of r.rows.filter((x) => x.observed === "allowed"))
        lines.push(`  r_${id(row.role)}(["role ${row.role}"]) -->|rds-db:connect| u_${id(row.user)}`);
    const table = [
        "| role | user | database | expected | observed |",
        "| --- | --- | --- | --- | --- |",
        ...r.rows.map((x) => `| ${x.role} | ${x.user} | ${x.database} | ${x.expected} | ${x.observed} |`),
    ];
    return [`# Access map: stack ${r.stack}`, "", "```mermaid", ...lines, "```", "", ...table, ""].join("\n");
}
