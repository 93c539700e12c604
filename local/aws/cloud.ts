/**
 * The local cloud: the "AWS account" behind the engine's test `aws` provider. It keeps every resource
 * the provider creates (so refresh and drift mean something across `pulumi` runs), refuses what AWS
 * refuses (cloudResources.ts), and makes the databases real: each RDS instance or Aurora cluster is a
 * throwaway server with RDS's privilege model and the instance's master user and DBName, behind a
 * relay at its own loopback address on the engine's port, named by the VPC DNS (vpcDns.cjs), with its
 * master password in the loopback Secrets Manager under the instance's managed-secret ARN. Each Lambda
 * function's code runs behind the loopback Lambda endpoint.
 *
 * The provider talks to it over a small JSON API on loopback (`POST /create|/read|/update|/delete|/invoke`);
 * `env` is what every `pulumi` process needs to find it.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { POSTGRES_MAJORS, ServerName, ThrowawayServer, launchServer } from "../servers";
import { CertificateAuthority, createCertificateAuthority, serverCertificate } from "../servers/processes";
import { startPgFrontDoor } from "../servers/pgFrontDoor";
import { Relay, startRelay } from "../network/relay";
import { ACCOUNT_ID, engineVersionAnswer } from "../pulumi/mockAnswers";
import { FakeLambda, LambdaFunction, startFakeLambda } from "./lambda";
import { FakeSecretsManager, startFakeSecretsManager } from "./secretsManager";
import { FakeRdsApi, RdsApiError, startFakeRdsApi } from "./rdsApi";
import { IAM_AUTH_ERROR_LOG, iamAuthErrorLogGroupName } from "../../components/awsNames";
import {
    AwsError,
    CloudResource,
    T,
    checkDeletable,
    checkReferences,
    outputsFor,
    physicalName,
} from "./cloudResources";

const REPO = path.resolve(__dirname, "..", "..");
export const VPC_DNS_PRELOAD = path.join(REPO, "local", "network", "vpcDns.cjs");

/** A database the cloud runs: the server, the endpoint in front of it, and who it is. */
export interface CloudDatabase {
    readonly type: string;
    readonly id: string;
    readonly address: string;
    readonly port: number;
    readonly resourceId: string;
    readonly engine: string;
    readonly region: string;
    readonly server: ThrowawayServer;
    /** Whether the endpoint answers (a cluster's does once an instance runs). */
    reachable: boolean;
    /** The endpoint's loopback address (what the VPC DNS answers for `address`). */
    readonly ip: string;
}

export interface LocalCloud {
    /** Environment for `pulumi` and everything it starts. */
    readonly env: Record<string, string>;
    /** The CA the databases' certificates chain to (set as rds-iam:caBundleFile: it is not Amazon's). */
    readonly caFile: string;
    readonly secrets: FakeSecretsManager;
    readonly lambda: FakeLambda;
    /** The RDS API rds-iam calls through the SDK (ModifyDBInstance/ModifyDBCluster, Describe…). */
    readonly rdsApi: FakeRdsApi;
    readonly databases: Map<string, CloudDatabase>;
    /** Every resource that exists, of one type or all. */
    resources(type?: string): CloudResource[];
    /** Puts a resource the stack did not create into the account (a VPC's existing security group, say). */
    seed(type: string, id: string, outputs: Record<string, any>): void;
    /** Final snapshots taken by deletes. */
    readonly snapshots: string[];
    /** The IAM authentication errors RDS published to CloudWatch Logs, by log group name. */
    readonly logEvents: Map<string, string[]>;
    /**
     * What RDS does with a failed IAM login when the database exports `iam-db-auth-error`: publishes
     * it to `/aws/rds/<instance|cluster>/<identifier>/iam-db-auth-error`, making that group itself
     * (never expiring, the account's, not the stack's) when it does not exist yet.
     */
    publishIamAuthError(db: CloudDatabase, user: string, reason: string): void;
    close(): Promise<void>;
}

/** An entry of a .zip whose entries are stored (method 0), as rds-iam writes its runner package. */
function storedZipEntry(zip: Buffer, name: string): Buffer {
    for (let at = 0; at + 30 <= zip.length && zip.readUInt32LE(at) === 0x04034b50;) {
        const method = zip.readUInt16LE(at + 8);
        const size = zip.readUInt32LE(at + 18);
        const nameLength = zip.readUInt16LE(at + 26);
        const extraLength = zip.readUInt16LE(at + 28);
        const entry = zip.subarray(at + 30, at + 30 + nameLength).toString("utf8");
        const data = at + 30 + nameLength + extraLength;
        if (entry === name) {
            if (method !== 0)
                throw new AwsError(
                    "InvalidParameterValueException",
                    `${name} in the .zip is compressed; the local cloud reads stored entries only`,
                );
            return zip.subarray(data, data + size);
        }
        at = data + size;
    }
    throw new AwsError("InvalidParameterValueException", `the .zip has no ${name}`);
}

function serverFor(engine: string, version: string): ServerName {
    if (engine.includes("postgres")) {
        const major = Number(version.split(".")[0]);
        if (!(POSTGRES_MAJORS as readonly number[]).includes(major))
            throw new AwsError(
                "InvalidParameterCombination",
                `Cannot find version ${version} for ${engine} (the local cloud runs PostgreSQL ${POSTGRES_MAJORS.join(", ")})`,
            );
        return `postgres${major}` as ServerName;
    }
    return "mariadb"; // the local stand-in for every MySQL-protocol engine
}

export async function startLocalCloud(
    options: {
        root?: string;
        /**
         * The round trip between this machine and every database endpoint (a delaying relay in front of
         * each, as bench --wan puts in front of the servers): the deployer across a WAN. It applies to the
         * SQL runner's connections too, so use it with sqlRunner "deployer". @default 0
         */
        roundTripMs?: number;
    } = {},
): Promise<LocalCloud> {
    const root = options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-cloud-"));
    fs.mkdirSync(root, { recursive: true });
    const dnsFile = path.join(root, "vpc-dns.json");
    fs.writeFileSync(dnsFile, "{}");
    const [ca, frontDoorCa, secrets, lambda] = await Promise.all([
        createCertificateAuthority(path.join(root, "ca"), "rds-iam local cloud RDS CA"),
        createCertificateAuthority(path.join(root, "front-door-ca"), "rds-iam local cloud IAM front door"),
        startFakeSecretsManager(),
        startFakeLambda(),
    ]);
    const resources = new Map<string, CloudResource>();
    const key = (type: string, id: string) => `${type}|${id}`;
    const state = {
        list: (type: string) => [...resources.values()].filter((r) => r.type === type),
        find: (type: string, match: (r: CloudResource) => boolean) =>
            [...resources.values()].find((r) => r.type === type && match(r)),
    };
    const seeded = new Set<string>();
    const databases = new Map<string, CloudDatabase>();
    const running = new Map<string, { stop: () => Promise<void>; relay?: Pick<Relay, "host" | "close"> }>();
    const snapshots: string[] = [];
    const logEvents = new Map<string, string[]>();
    const seed = (type: string, id: string, outputs: Record<string, any>) => {
        seeded.add(key(type, id));
        resources.set(key(type, id), { type, id, region: "", inputs: outputs, outputs });
    };
    let nextAddress = 1;
    const addressBlock = 64 + crypto.randomInt(128);

    const dns = (name: string, address: string | undefined) => {
        const table = JSON.parse(fs.readFileSync(dnsFile, "utf8")) as Record<string, string>;
        if (address === undefined) delete table[name];
        else table[name] = address;
        fs.writeFileSync(`${dnsFile}.tmp`, JSON.stringify(table));
        fs.renameSync(`${dnsFile}.tmp`, dnsFile);
    };

    async function startDatabase(r: CloudResource, ca: CertificateAuthority): Promise<void> {
        const o = r.outputs;
        const address = String(r.type === T.instance ? o.address : o.endpoint);
        const { server, stop } = await launchServer(
            serverFor(String(o.engine), String(o.engineVersion ?? "")),
            {
                endpoint: address,
                masterUsername: String(r.type === T.instance ? o.username : o.masterUsername),
                // Not managed by RDS: the password the create call was given (MasterUserPassword).
                masterPassword:
                    o.manageMasterUserPassword === true
                        ? undefined
                        : (r.inputs[r.type === T.instance ? "password" : "masterPassword"] as string),
                databaseName: (r.type === T.instance ? o.dbName : o.databaseName) as string | undefined,
                ca,
                frontDoorCa,
            },
        );
        // Each database gets a loopback address of its own at the engine's port. Addresses come from a
        // /16 of 127/8 picked per cloud, and one taken (another cloud on this machine) is skipped.
        const doorDir = path.join(root, "doors", r.id);
        fs.mkdirSync(doorDir, { recursive: true });
        const certificate =
            server.engine === "postgres" ? await serverCertificate(doorDir, address, ca) : undefined;
        let ip = "";
        let relay: Pick<Relay, "host" | "close"> | undefined;
        for (let attempt = 0; relay === undefined; attempt++) {
            ip = `127.${addressBlock}.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`;
            try {
                // PostgreSQL: the IAM front door decides IAM logins on every version (16/17 have no LDAP);
                // MySQL-protocol engines: the server's own plugin does, behind a plain relay.
                // With a round trip set, the endpoint is across a network: a delaying relay in front.
                const delayMs = (options.roundTripMs ?? 0) / 2;
                const door =
                    server.engine === "postgres"
                        ? await startPgFrontDoor({
                              host: ip,
                              port: delayMs > 0 ? 0 : Number(o.port),
                              certificate: certificate!,
                              backend: server,
                              ca: frontDoorCa,
                              dir: doorDir,
                          })
                        : undefined;
                const behind = door ?? { host: server.host, port: server.port };
                const front =
                    door === undefined || delayMs > 0
                        ? await startRelay({
                              host: ip,
                              port: Number(o.port),
                              targetHost: behind.host,
                              targetPort: behind.port,
                              delayMs,
                          }).catch(async (e) => {
                              await door?.close();
                              throw e;
                          })
                        : undefined;
                relay = {
                    host: ip,
                    close: async () => {
                        await front?.close();
                        await door?.close();
                    },
                };
            } catch (e) {
                if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= 50) throw e;
            }
        }
        running.set(r.id, { stop, relay });
        databases.set(r.id, {
            type: r.type,
            id: r.id,
            address,
            port: Number(o.port),
            resourceId: String(r.type === T.instance ? o.resourceId : o.clusterResourceId),
            engine: String(o.engine),
            region: r.region,
            server,
            reachable: r.type === T.instance,
            ip,
        });
        if (r.type === T.instance) dns(address, ip);
        const secretArn = o.masterUserSecrets?.[0]?.secretArn;
        if (o.manageMasterUserPassword === true && secretArn)
            secrets.secrets.set(
                secretArn,
                JSON.stringify({ username: server.master.username, password: server.master.password }),
            );
    }

    async function stopDatabase(r: CloudResource): Promise<void> {
        const db = databases.get(r.id);
        if (db === undefined) return;
        dns(db.address, undefined);
        const run = running.get(r.id);
        await run?.relay?.close();
        await run?.stop();
        running.delete(r.id);
        databases.delete(r.id);
        secrets.secrets.delete(r.outputs.masterUserSecrets?.[0]?.secretArn);
    }

    /** A cluster's endpoint answers once one of its instances exists, and stops with the last. */
    function clusterReachability(clusterRef: string): void {
        const cluster = state.find(
            T.cluster,
            (c) => c.id === clusterRef || c.outputs.clusterIdentifier === clusterRef,
        );
        const db = cluster && databases.get(cluster.id);
        if (cluster === undefined || db === undefined) return;
        const instances = state
            .list(T.clusterInstance)
            .filter((i) => i.inputs.clusterIdentifier === clusterRef);
        db.reachable = instances.length > 0;
        const ip = running.get(cluster.id)?.relay?.host;
        dns(db.address, db.reachable ? ip : undefined);
        dns(String(cluster.outputs.readerEndpoint), db.reachable ? ip : undefined);
    }

    /**
     * The function as the loopback Lambda runs it: its .zip's index.js (rds-iam stores it
     * uncompressed), loaded after the VPC's DNS, with its configuration and the CodeSha256 of the
     * package it was given (base64 SHA-256 of the .zip, as Lambda reports it).
     */
    function lambdaFunction(r: CloudResource): LambdaFunction {
        const zipPath = r.inputs.code?.path;
        if (typeof zipPath !== "string" || !zipPath.endsWith(".zip"))
            throw new AwsError(
                "InvalidParameterValueException",
                "the local cloud runs functions whose code is a .zip (FileArchive)",
            );
        const zip = fs.readFileSync(zipPath);
        const sha = crypto.createHash("sha256").update(zip).digest("base64");
        // Content-addressed, so a published version's code never changes under it.
        const dir = path.join(root, "functions", String(r.outputs.name));
        const code = path.join(dir, `${Buffer.from(sha, "base64").toString("hex")}.js`);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(code, storedZipEntry(zip, "index.js"));
        const wrapper = `${code.slice(0, -3)}-vpc.js`;
        fs.writeFileSync(
            wrapper,
            `process.env.RDS_IAM_LOCAL_DNS = ${JSON.stringify(dnsFile)};\nrequire(${JSON.stringify(VPC_DNS_PRELOAD)});\nmodule.exports = require(${JSON.stringify(code)});\n`,
        );
        return {
            bundle: wrapper,
            timeoutMs: Number(r.inputs.timeout ?? 3) * 1000,
            handler: r.inputs.handler,
            runtime: r.inputs.runtime,
            role: r.inputs.role,
            layers: r.inputs.layers ?? [],
            environment: r.inputs.environment?.variables ?? {},
            codeSha256: sha,
            memorySize: r.inputs.memorySize,
            publish: r.inputs.publish === true,
        };
    }

    /** Registers the function with the loopback Lambda; its outputs then say which version runs. */
    function deployFunction(r: CloudResource): void {
        const fn = lambdaFunction(r);
        lambda.functions.set(String(r.outputs.name), fn);
        const version = lambda.latestVersion(String(r.outputs.name)) ?? "$LATEST";
        r.outputs = {
            ...r.outputs,
            codeSha256: fn.codeSha256,
            version,
            qualifiedArn: `${r.outputs.arn}:${version}`,
        };
    }

    async function create(body: any): Promise<{ id: string; outputs: Record<string, any> }> {
        const { type, name, inputs, region, partition } = body;
        checkReferences(state, type, inputs);
        const physical = physicalName(type, inputs, name);
        if (
            [...resources.values()].some(
                (r) =>
                    r.type === type &&
                    physicalName(type, r.outputs, "") === physical &&
                    ![
                        T.ingress,
                        T.egress,
                        T.rolePolicyAttachment,
                        T.proxyTargetGroup,
                        T.proxyTarget,
                    ].includes(type),
            )
        )
            throw new AwsError("AlreadyExists", `a ${type} named ${physical} already exists`);
        const { id, outputs } = outputsFor(type, physical, inputs, region, partition);
        if (resources.has(key(type, id))) throw new AwsError("AlreadyExists", `${type} ${id} already exists`);
        const r: CloudResource = { type, id, region, inputs, outputs };
        if (type === T.instance || type === T.cluster) await startDatabase(r, ca);
        if (type === T.lambda) deployFunction(r);
        resources.set(key(type, id), r);
        if (type === T.clusterInstance) clusterReachability(String(inputs.clusterIdentifier));
        return { id, outputs: r.outputs };
    }

    async function update(body: any): Promise<Record<string, any>> {
        const r = resources.get(key(body.type, body.id));
        if (r === undefined) throw new AwsError("NotFound", `${body.type} ${body.id} does not exist`);
        checkReferences(state, body.type, body.news);
        const { outputs } = outputsFor(
            body.type,
            physicalName(body.type, r.outputs, body.id),
            body.news,
            r.region,
            "aws",
        );
        r.inputs = body.news;
        r.outputs = { ...r.outputs, ...outputs };
        if (body.type === T.lambda) deployFunction(r);
        return r.outputs;
    }

    async function remove(body: any): Promise<void> {
        const r = resources.get(key(body.type, body.id));
        if (r === undefined) return; // already gone: deleting is idempotent
        checkDeletable(state, r);
        if ((r.type === T.instance || r.type === T.cluster) && r.outputs.skipFinalSnapshot === false) {
            const snapshot = String(r.outputs.finalSnapshotIdentifier);
            if (snapshots.includes(snapshot))
                throw new AwsError(
                    "DBSnapshotAlreadyExists",
                    `Cannot create the snapshot because a snapshot with the identifier ${snapshot} already exists.`,
                );
            snapshots.push(snapshot);
        }
        if (r.type === T.instance || r.type === T.cluster) await stopDatabase(r);
        if (r.type === T.lambda) lambda.functions.delete(String(r.outputs.name));
        resources.delete(key(r.type, r.id));
        if (r.type === T.clusterInstance) clusterReachability(String(r.inputs.clusterIdentifier));
    }

    async function invoke(body: any): Promise<Record<string, any>> {
        const { token, args } = body;
        switch (token) {
            case "aws:secretsmanager/getSecretVersion:getSecretVersion": {
                const value = secrets.secrets.get(args.secretId);
                if (value === undefined)
                    throw new AwsError(
                        "ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret.",
                    );
                return {
                    ...args,
                    arn: args.secretId,
                    secretString: value,
                    versionId: "v1",
                    versionStages: ["AWSCURRENT"],
                    id: args.secretId,
                };
            }
            case "aws:rds/getEngineVersion:getEngineVersion":
                return engineVersionAnswer(args);
            case "aws:iam/getRole:getRole": {
                const role = state.find(T.role, (r) => r.outputs.name === args.name);
                if (role === undefined)
                    throw new AwsError("NoSuchEntity", `The role with name ${args.name} cannot be found.`);
                return { ...role.outputs, id: role.outputs.name };
            }
            default:
                throw new Error(`the local cloud does not answer ${token}`);
        }
    }

    /** An instance or cluster by the identifier the RDS API names it by. */
    function byIdentifier(kind: "instance" | "cluster", identifier: string): CloudResource {
        const r =
            kind === "instance"
                ? state.find(T.instance, (i) => i.outputs.identifier === identifier)
                : state.find(T.cluster, (c) => c.outputs.clusterIdentifier === identifier);
        if (r === undefined)
            throw kind === "instance"
                ? new RdsApiError("DBInstanceNotFound", `DBInstance ${identifier} not found.`, 404)
                : new RdsApiError("DBClusterNotFoundFault", `DBCluster ${identifier} not found.`, 404);
        return r;
    }
    const described = (kind: "instance" | "cluster", r: CloudResource) => ({
        identifier: String(kind === "instance" ? r.outputs.identifier : r.outputs.clusterIdentifier),
        engine: String(r.outputs.engine),
        status: "available",
        masterUserAuthenticationType: String(r.outputs.masterUserAuthenticationType ?? "password"),
    });
    const rdsApi = await startFakeRdsApi({
        describe: (kind, identifier) => described(kind, byIdentifier(kind, identifier)),
        /**
         * ModifyDBInstance/ModifyDBCluster MasterUserAuthenticationType: "only valid for RDS for
         * PostgreSQL and Aurora PostgreSQL engines" (RDS API Reference). iam-db-auth makes the master
         * an IAM user: RDS grants it rds_iam, after which PostgreSQL accepts only a token for it (RDS
         * User Guide, "IAM database authentication for the master user"); "password" takes rds_iam back.
         * Stricter than documented: refused while IAM database authentication is off.
         */
        async setMasterAuthentication(kind, identifier, type, masterUserPassword) {
            const r = byIdentifier(kind, identifier);
            if (!String(r.outputs.engine).includes("postgres"))
                throw new RdsApiError(
                    "InvalidParameterCombination",
                    `MasterUserAuthenticationType is only valid for RDS for PostgreSQL and Aurora PostgreSQL engines, not ${r.outputs.engine}.`,
                );
            if (r.outputs.iamDatabaseAuthenticationEnabled !== true)
                throw new RdsApiError(
                    "InvalidParameterCombination",
                    "IAM database authentication must be enabled to use iam-db-auth for the master user.",
                );
            const db = databases.get(r.id);
            if (db !== undefined) {
                const master = db.server.master.username;
                if (type === "iam-db-auth") await db.server.inspect(`GRANT rds_iam TO "${master}"`);
                else {
                    await db.server.inspect(`REVOKE rds_iam FROM "${master}"`);
                    if (masterUserPassword !== undefined)
                        await db.server.inspect(
                            `ALTER ROLE "${master}" PASSWORD '${masterUserPassword.replace(/'/g, "''")}'`,
                        );
                }
            }
            r.outputs = { ...r.outputs, masterUserAuthenticationType: type };
            return described(kind, r);
        },
    });

    const routes: Record<string, (body: any) => Promise<unknown>> = {
        "/create": create,
        "/read": async (body) => resources.get(key(body.type, body.id))?.outputs ?? null,
        "/update": update,
        "/delete": remove,
        "/invoke": invoke,
    };
    const server = http.createServer((req, res) => {
        let text = "";
        req.on("data", (c) => (text += c));
        req.on("end", () => {
            const route = routes[req.url ?? ""];
            Promise.resolve()
                .then(() =>
                    route === undefined
                        ? Promise.reject(new Error(`no route ${req.url}`))
                        : route(JSON.parse(text || "{}")),
                )
                .then(
                    (result) => {
                        res.writeHead(200, { "content-type": "application/json" });
                        res.end(JSON.stringify({ result: result ?? null }));
                    },
                    (e: Error) => {
                        res.writeHead(400, { "content-type": "application/json" });
                        res.end(JSON.stringify({ error: e.message }));
                    },
                );
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const caFile = path.join(root, "rds-ca.pem");
    fs.writeFileSync(caFile, ca.pem);

    return {
        env: {
            RDS_IAM_LOCAL_CLOUD: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            RDS_IAM_LOCAL_DNS: dnsFile,
            NODE_OPTIONS: `--require ${VPC_DNS_PRELOAD}`,
            AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
            AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
            AWS_ENDPOINT_URL_RDS: rdsApi.endpoint,
            AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
            AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            AWS_EC2_METADATA_DISABLED: "true",
        },
        caFile,
        secrets,
        lambda,
        rdsApi,
        databases,
        snapshots,
        seed,
        logEvents,
        publishIamAuthError(db, user, reason) {
            const r = resources.get(key(db.type, db.id));
            const exports = (r?.outputs.enabledCloudwatchLogsExports ?? []) as string[];
            if (r === undefined || !exports.includes(IAM_AUTH_ERROR_LOG)) return;
            const group = iamAuthErrorLogGroupName(
                r.type === T.instance ? "instance" : "cluster",
                String(r.type === T.instance ? r.outputs.identifier : r.outputs.clusterIdentifier),
            );
            if (state.find(T.logGroup, (g) => g.outputs.name === group) === undefined)
                seed(T.logGroup, group, {
                    name: group,
                    arn: `arn:aws:logs:${r.region}:${ACCOUNT_ID}:log-group:${group}`,
                    retentionInDays: 0,
                });
            logEvents.set(group, [
                ...(logEvents.get(group) ?? []),
                `${new Date().toISOString()} IAM authentication failed for user "${user}": ${reason}`,
            ]);
        },
        // What the stack made: seeded resources are the account's own.
        resources: (type?: string) =>
            [...resources.entries()]
                .filter(([k, r]) => !seeded.has(k) && (type === undefined || r.type === type))
                .map(([, r]) => r),
        async close() {
            for (const r of [...resources.values()])
                if (r.type === T.instance || r.type === T.cluster) await stopDatabase(r);
            await new Promise<void>((r) => server.close(() => r()));
            await Promise.all([secrets.close(), lambda.close(), rdsApi.close()]);
            fs.rmSync(root, { recursive: true, force: true });
        },
    };
}
