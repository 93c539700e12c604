/**
 * pulumi-resource-postgresql and pulumi-resource-mysql for the tests (their Go modules,
 * github.com/pulumi/pulumi-postgresql/provider/v3 and pulumi-mysql/provider/v3, are not served by the
 * module proxy): the provider configuration the admin provider sets, and `Database`, made for real on
 * the local cloud's server over verified TLS as the configured user — so a wrong password, an
 * unverifiable certificate or a missing network path fails here as it would with the real provider.
 * The engine starts this file as either plugin; argv[2] says which.
 */
import * as fs from "node:fs";
import { Props, TestProvider, UNKNOWN, serve } from "./server";

const kind = process.argv[2] === "mysql" ? "mysql" : "postgresql";
let config: Props = {};

/**
 * aws_rds_iam_auth: the real provider signs an RDS IAM token for host:port and the user with the
 * default AWS credentials (or aws_rds_iam_profile) in aws_rds_iam_region, and sends it as the password
 * (terraform-provider-postgresql postgresql/config.go, "aws_rds_iam_auth").
 */
async function postgresPassword(): Promise<string | undefined> {
    if (config.awsRdsIamAuth !== true && config.awsRdsIamAuth !== "true") return config.password;
    if (config.password !== undefined)
        throw new Error("password and aws_rds_iam_auth together: the provider would send the token only");
    const region = config.awsRdsIamRegion ?? process.env.AWS_REGION;
    if (region === undefined) throw new Error("aws_rds_iam_auth needs aws_rds_iam_region or AWS_REGION");
    const { Signer } = require("@aws-sdk/rds-signer") as typeof import("@aws-sdk/rds-signer");
    return new Signer({
        hostname: String(config.host),
        port: Number(config.port ?? 5432),
        username: String(config.username),
        region: String(region),
    }).getAuthToken();
}

async function runSql(sql: string): Promise<void> {
    if (kind === "postgresql") {
        const pg = require("pg") as typeof import("pg");
        if (config.sslmode !== "verify-full")
            throw new Error(
                `sslmode ${config.sslmode}: the rds-iam admin provider must verify the server (verify-full)`,
            );
        const client = new pg.Client({
            host: config.host,
            port: Number(config.port ?? 5432),
            user: config.username,
            password: await postgresPassword(),
            database: config.database ?? "postgres",
            ssl: { ca: fs.readFileSync(String(config.sslrootcert), "utf8"), rejectUnauthorized: true },
            connectionTimeoutMillis: 15_000,
        });
        await client.connect();
        try {
            await client.query(sql);
        } finally {
            await client.end();
        }
        return;
    }
    const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
    const [host, port] = String(config.endpoint).split(":");
    if (config.tls !== "true")
        throw new Error(`tls ${config.tls}: the rds-iam admin provider must verify the server`);
    // tls "true" verifies against the system trust store (terraform-provider-mysql has no CA option):
    // the tests add the local CA to it through SSL_CERT_FILE, as the README tells users to.
    const ca = process.env.SSL_CERT_FILE ? fs.readFileSync(process.env.SSL_CERT_FILE, "utf8") : undefined;
    const connection = await mysql.createConnection({
        host,
        port: Number(port ?? 3306),
        user: config.username,
        password: config.password,
        ssl: { ca, rejectUnauthorized: true },
        connectTimeout: 15_000,
    });
    try {
        await connection.query(sql);
    } finally {
        await connection.end();
    }
}

const quote = (name: string) =>
    kind === "postgresql" ? `"${name.replace(/"/g, '""')}"` : `\`${name.replace(/`/g, "``")}\``;
const DATABASE = `${kind}:index/database:Database`;

const provider: TestProvider = {
    name: kind,
    version: kind === "postgresql" ? "3.18.1" : "3.3.2",
    configure(_variables, args) {
        config = args;
    },
    check(ctx, _olds, news) {
        if (ctx.type !== DATABASE)
            throw new Error(`the rds-iam test ${kind} provider does not know ${ctx.type}`);
        if (typeof news.name !== "string" || news.name === "")
            throw new Error('"name": required field is not set');
        return news;
    },
    diff(_ctx, _id, olds, _oldInputs, news) {
        const diffs = ["name"].filter((k) => news[k] === UNKNOWN || news[k] !== olds[k]);
        return { changes: diffs.length > 0, diffs, replaces: diffs };
    },
    async create(_ctx, inputs) {
        await runSql(`CREATE DATABASE ${quote(inputs.name)}`);
        return { id: inputs.name, outputs: inputs };
    },
    read: async (_ctx, _id, state) => state,
    update: async (_ctx, _id, _olds, news) => news,
    async delete(_ctx, id) {
        await runSql(`DROP DATABASE IF EXISTS ${quote(id)}`);
    },
};

serve(provider);
