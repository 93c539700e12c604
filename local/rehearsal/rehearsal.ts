/**
 * A local rehearsal of a stack, without AWS: evaluate index.ts under mocks, let a throwaway server
 * (RDS's privilege model, the stack's own endpoint name in its certificate) play the stack's
 * database, create the stack's DatabaseUsers through the real dynamic-provider host — through the
 * SQL runner bundle behind a loopback Lambda endpoint when the stack uses it — with the master
 * password read by the stack's secret ARN from a loopback Secrets Manager; then log in as every
 * principal × every user with IAM tokens checked by the emulator, and try what each login may do.
 */
import { engineFamily } from "../../components/engines";
import { databaseUserProvider } from "../../components/provider/provider";
import { runnerBundlePath } from "../../components/runner/bundle";
import { resourceRules, stackRules } from "../../policies/rules";
import { checkStackConfig } from "../../stack/config";
import { startFakeLambda } from "../aws/lambda";
import { startFakeSecretsManager } from "../aws/secretsManager";
import { createIamLoginVerifier } from "../emulator/verifier";
import type { NetworkNamespace } from "../network/netns";
import { runPack } from "../policies/ruleHarness";
import { serializeProvider, startDynamicProviderHost } from "../pulumi/dynamicProviderHost";
import { ACCOUNT_ID, projectConfigDefaults, recordStack } from "../pulumi/mocks";
import type { AccessReport } from "../report/model";
import { getServer, resetLoginDecider, setLoginDecider } from "../servers";
import { LoginTarget, principalSigners, tryLogins } from "./logins";
import { probeTableStatements } from "./probes";
import { stackPrincipals } from "./principals";
import type { StackFile } from "./stackFile";

const DATABASE_USER = "pulumi-nodejs:dynamic/rds-iam:DatabaseUser";

/** The stack's configuration is wrong: every problem, by its rds-iam: key. */
export class ConfigurationError extends Error {}

export interface RehearsalOptions {
    readonly log?: (line: string) => void;
    /**
     * Put the database and the SQL runner in this namespace (a private VPC this process cannot
     * reach). The users are then only created and dropped, through the runner: logins, which would
     * come from inside the VPC, are not tried.
     */
    readonly netns?: NetworkNamespace;
}

/** The flat string config Pulumi hands a program: project defaults, then the stack file's values. */
export function rawConfig(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries({ ...projectConfigDefaults(), ...config }).map(([k, v]) => [
            k.includes(":") ? k : `rds-iam:${k}`,
            typeof v === "string" ? v : JSON.stringify(v),
        ]),
    );
}

export async function rehearse(stackFile: StackFile, options: RehearsalOptions = {}): Promise<AccessReport> {
    const log = options.log ?? (() => undefined);
    const { config: checked, failures } = checkStackConfig(rawConfig(stackFile.config));
    if (checked === undefined) {
        throw new ConfigurationError(
            `${stackFile.file} has ${failures.length} problem(s):\n` +
                failures.map((f) => `  ${f.property}: ${f.reason}`).join("\n"),
        );
    }
    if (checked.users.length === 0 || checked.workloads.length === 0) {
        throw new ConfigurationError(
            `${stackFile.file} defines ${checked.users.length} database user(s) and ${checked.workloads.length} workload(s): nothing to rehearse. ` +
                "Add rds-iam:users and rds-iam:workloads (see Pulumi.dev.yaml).",
        );
    }
    const region = String(stackFile.config["aws:region"] ?? "us-east-1");
    const family = engineFamily(checked.engine);

    log(`evaluating index.ts for stack "${stackFile.stack}" (${stackFile.file}) under mocks…`);
    const { resources, outputs } = await recordStack(stackFile.config);
    const address = String(outputs.address);
    const resourceId = String(outputs.resourceId);
    log(`  ${resources.length} resources; database ${address} (${resourceId})`);

    const server = await getServer(family === "postgres" ? "postgres15" : "mariadb", {
        endpoint: address,
        netns: options.netns,
    });
    log(
        `  a throwaway ${server.label} with RDS's privilege model plays it${options.netns ? ` inside network namespace ${options.netns.name}` : ""}`,
    );
    const database = checked.databaseName;
    if (family === "postgres") {
        const exists = await server.inspect("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
        if (exists.length === 0)
            await server.inspect(`CREATE DATABASE "${database}" OWNER ${server.master.username}`);
        for (const sql of probeTableStatements(family)) {
            await server.inspect(`SET ROLE ${server.master.username}; ${sql}`, [], database);
        }
    } else {
        await server.inspect(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
        for (const sql of probeTableStatements(family)) await server.inspect(sql, [], database);
    }

    const secrets = await startFakeSecretsManager();
    const lambda = await startFakeLambda();
    const secretArn = String(outputs.masterSecretArn);
    secrets.secrets.set(
        secretArn,
        JSON.stringify({ username: server.master.username, password: server.master.password }),
    );
    const users = resources.filter((r) => r.type === DATABASE_USER);
    // Each runner function as the stack deploys it: its role, rds-iam's package of the bundle.
    const runners = new Map(
        users
            .filter((u) => typeof u.inputs.runnerFunction === "string")
            .map((u) => [
                String(u.inputs.runnerFunction).replace(/^arn:.*:function:/, ""),
                String(u.inputs.runnerRoleArn),
            ]),
    );
    for (const [name, role] of runners)
        lambda.functions.set(name, {
            bundle: runnerBundlePath(),
            netns: options.netns,
            timeoutMs: 60_000,
            role,
        });
    const env = {
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_REGION: region,
        AWS_EC2_METADATA_DISABLED: "true",
    };
    const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);

    const host = await startDynamicProviderHost(await serializeProvider(databaseUserProvider));
    const created: { id: string; properties: Record<string, unknown> }[] = [];
    try {
        for (const r of users) {
            const { __provider: _provider, ...inputs } = r.inputs;
            const checkedUser = await host.check(
                {},
                {
                    ...inputs,
                    port: server.port,
                    connectHost: server.host,
                    caCertificate: server.caCertificate,
                    // The stack's AWS settings name profiles of a real account: the rehearsal signs with fake keys.
                    master: { username: server.master.username, secretArn },
                },
            );
            if (checkedUser.failures.length > 0)
                throw new Error(`${r.name}: ${JSON.stringify(checkedUser.failures)}`);
            created.push(await host.create(checkedUser.inputs));
            log(
                `  created DatabaseUser ${inputs.username} (${(inputs.privileges as string[]).join(", ") || "login only"}) ` +
                    `through the dynamic-provider host${inputs.sqlRunner === "lambda" ? ` and the SQL runner ${String(inputs.runnerFunction).replace(/^arn:.*:function:/, "")}` : ""}`,
            );
        }

        const principals = stackPrincipals(
            resources,
            checked.workloads,
            outputs.roleArns as Record<string, string>,
            (outputs.instanceProfileNames ?? {}) as Record<string, string>,
        );
        const signers = principalSigners(principals);
        setLoginDecider(
            createIamLoginVerifier({
                databases: [
                    {
                        engine: server.engine,
                        endpoint: address,
                        port: server.port,
                        region,
                        accountId: ACCOUNT_ID,
                        resourceId,
                    },
                ],
                principals: signers.map((s) => s.identity),
            }),
        );
        const target: LoginTarget = {
            family,
            address,
            port: server.port,
            connectHost: server.host,
            connectPort: server.port,
            caCertificate: server.caCertificate,
            region,
            database,
        };
        const logins = await tryLogins(
            target,
            options.netns === undefined ? signers : [],
            checked.users,
            log,
        );
        return {
            stack: stackFile.stack,
            stackFile: stackFile.file,
            engine: checked.engine,
            region,
            database: { address, resourceId, name: database },
            principals: principals.map(({ policies: _policies, ...p }) => p),
            users: checked.users.map((u) => ({ username: u.username, privileges: u.privileges ?? [] })),
            logins,
            findings: runPack(resources, { resource: resourceRules, stack: stackRules }),
            created: created.map((c) => ({
                username: String(c.properties.username),
                iamAuthentication: c.properties.iamAuthentication === true,
                privileges: c.properties.privileges as string[],
            })),
            sqlRunner:
                runners.size > 0
                    ? `the SQL runner function ${[...runners.keys()].map((r) => r.replace(/^arn:.*:function:/, "")).join(", ")} (its bundle behind a loopback Lambda endpoint${options.netns ? ", inside the database's network namespace" : ""})`
                    : 'the machine running Pulumi (sqlRunner "deployer")',
        };
    } finally {
        resetLoginDecider();
        for (const c of created) {
            await host
                .delete(c.id, c.properties)
                .catch((e) => log(`  could not delete ${c.id}: ${(e as Error).message}`));
        }
        await host.stop();
        await secrets.close();
        await lambda.close();
        for (const [k, v] of Object.entries(savedEnv)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    }
}
