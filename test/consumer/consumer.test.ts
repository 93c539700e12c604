import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HELP } from "../../components/client/cli";

const ROOT = path.resolve(__dirname, "..", "..");
/** What `npm pack` needs from the checkout; the pack runs in a copy so no bin/ lands in the checkout. */
const PACKAGE_INPUTS = [
    "package.json",
    "README.md",
    "LICENSE",
    "tsconfig.json",
    "tsconfig.build.json",
    "components",
    "scripts",
    "cli",
];

function sh(command: string, args: string[], cwd: string): string {
    return childProcess.execFileSync(command, args, {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, npm_config_loglevel: "error" },
    });
}

/** A TypeScript program of another team: builds a Database and a DatabaseAccessRole under mocks. */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
let stored = "";
pulumi.runtime.setMocks({
    newResource: (a) => (a.type.endsWith(":DatabaseUser") && (stored = a.inputs.__provider), { id: a.name + "-id", state: a.type === "aws:rds/instance:Instance"
        ? { ...a.inputs, resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ", address: "orders.c0ffee.us-east-1.rds.amazonaws.com", port: 5432,
            masterUserSecrets: [{ secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1", secretStatus: "active", kmsKeyId: "k" }] }
        : a.type === "aws:iam/role:Role" ? { ...a.inputs, name: a.name, arn: "arn:aws:iam::123456789012:role/" + a.name }
        : a.type === "aws:iam/policy:Policy" ? { ...a.inputs, arn: "arn:aws:iam::123456789012:policy/" + a.name } : a.inputs }),
    call: (a) => a.token === "aws:index/getRegion:getRegion" ? { region: "us-east-1", name: "us-east-1" }
        : a.token === "aws:index/getCallerIdentity:getCallerIdentity" ? { accountId: "123456789012" }
        : a.token === "aws:index/getPartition:getPartition" ? { partition: "aws" }
        : a.token === "aws:secretsmanager/getSecretVersion:getSecretVersion" ? { secretString: "{\\"password\\":\\"x\\"}" } : a.inputs,
}, "consumer", "dev", false);

import { Database, DatabaseAccessRole, dbUserArn } from "rds-iam";

const db = new Database("orders", { engine: "postgres", vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], users: [{ username: "app", privileges: ["SELECT"] }] });
const role = new DatabaseAccessRole("api", { service: "ec2", grants: [{ database: db, username: "app" }] });
pulumi.all([db.resourceId, role.policyDocument, role.roleArn]).apply(([id, doc, arn]) => {
    // Printed when everything has registered: the DatabaseUser registers after the instance's outputs.
    process.once("beforeExit", () => {
        // The DatabaseUser's stored provider names the installed package, which this project resolves.
        const storedModule = (/module: "([^"]+)"/.exec(stored) ?? [])[1];
        const resolved = storedModule && typeof require(storedModule).databaseUserProvider.create;
        console.log(JSON.stringify({ id, doc: JSON.parse(doc), arn, userNames: db.userNames, storedModule, resolved, storedBytes: stored.length > 0 && stored.length < 8000,
            arnFn: dbUserArn({ region: "eu-west-1", accountId: "123456789012", resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWX", username: "app" }) }));
    });
});
`;

/** An application that only connects: typed against rds-iam/client, no Pulumi anywhere. */
const APP = `
import { getConnectionOptions, TokenCache } from "rds-iam/client";

getConnectionOptions({
    engine: "postgres",
    host: "orders.c0ffee.eu-west-1.rds.amazonaws.com",
    username: "app",
    database: "orders",
    tokenCache: new TokenCache({ signer: async (r) => "token-for-" + r.username + "@" + r.region }),
}).then(async (options) => {
    const { password, ssl, ...rest } = options;
    const pulumiLoaded = Object.keys(require.cache).filter((file) => file.includes("@pulumi")).length;
    console.log(JSON.stringify({ rest, password: await password(), rdsCa: ssl.ca.startsWith("-----BEGIN CERTIFICATE-----"), pulumiLoaded }));
});
`;

/** Loads one entry point in a fresh process and reports its cost and what it pulled in. */
const MEASURE = `
const start = process.hrtime.bigint();
const before = process.memoryUsage().rss;
const loaded = require(process.argv[1]);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const rssMb = (process.memoryUsage().rss - before) / 1048576;
const totalMb = process.memoryUsage().rss / 1048576;
const pulumiModules = Object.keys(require.cache).filter((file) => file.includes("/@pulumi/")).length;
console.log(JSON.stringify({ ms, rssMb, totalMb, pulumiModules, exports: Object.keys(loaded).sort() }));
`;

/** Every file under `dir` (relative, "/"-separated), sorted. */
function filesUnder(dir: string, prefix = ""): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) =>
            entry.isDirectory()
                ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`)
                : [`${prefix}${entry.name}`],
        )
        .sort();
}

describe("rds-iam as a package installed in another project", function () {
    this.timeout(300_000);
    let scratch: string;
    let consumer: string;
    let packed: string[];
    const hadBin = fs.existsSync(path.join(ROOT, "bin"));

    before(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-consumer-"));
        const copy = path.join(scratch, "package");
        for (const input of PACKAGE_INPUTS) {
            fs.cpSync(path.join(ROOT, input), path.join(copy, input), { recursive: true });
        }
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
        const [pack] = JSON.parse(sh("npm", ["pack", "--json", "--pack-destination", scratch], copy)) as {
            filename: string;
            files: { path: string }[];
        }[];
        packed = pack.files.map((f) => f.path).sort();
        consumer = path.join(scratch, "consumer");
        fs.mkdirSync(consumer);
        fs.writeFileSync(
            path.join(consumer, "package.json"),
            JSON.stringify({ name: "consumer", private: true, version: "1.0.0" }),
        );
        sh(
            "npm",
            [
                "install",
                "--prefer-offline",
                "--no-audit",
                "--no-fund",
                path.join(scratch, pack.filename),
                "@pulumi/pulumi@3",
            ],
            consumer,
        );
    });
    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it("packs without building into the checkout: bin/ is as it was before the test", () => {
        assert.equal(fs.existsSync(path.join(ROOT, "bin")), hadBin);
    });

    it("ships exactly the compiled library (.js and .d.ts for each source, no source maps), the SQL runner bundle, the CLI launcher and the LICENSE", () => {
        const sources = filesUnder(path.join(ROOT, "components"))
            .filter((file) => file.endsWith(".ts"))
            .map((file) => file.replace(/\.ts$/, ""));
        const expected = [
            "LICENSE",
            "README.md",
            "bin/runner/index.js",
            "cli/rds-iam.js",
            "package.json",
            ...sources.flatMap((file) => [`bin/components/${file}.d.ts`, `bin/components/${file}.js`]),
        ].sort();
        assert.deepEqual(packed, expected);
        assert.equal(
            fs.readFileSync(path.join(consumer, "node_modules", "rds-iam", "LICENSE"), "utf8"),
            fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8"),
        );
        const pointingAtMaps = packed.filter((file) =>
            /sourceMappingURL/.test(
                fs.readFileSync(path.join(consumer, "node_modules", "rds-iam", file), "utf8"),
            ),
        );
        assert.deepEqual(pointingAtMaps, []);
    });

    it("builds a Database and a DatabaseAccessRole in a TypeScript program, whose users store a reference to the installed provider", () => {
        fs.writeFileSync(path.join(consumer, "index.ts"), PROGRAM);
        fs.writeFileSync(path.join(consumer, "app.ts"), APP);
        fs.writeFileSync(
            path.join(consumer, "tsconfig.json"),
            JSON.stringify({
                compilerOptions: {
                    strict: true,
                    module: "commonjs",
                    target: "ES2022",
                    moduleResolution: "node",
                    skipLibCheck: true,
                    types: ["node"],
                    typeRoots: [path.join(ROOT, "node_modules", "@types")],
                    outDir: "out",
                },
                files: ["index.ts", "app.ts"],
            }),
        );
        sh(process.execPath, [require.resolve("typescript/bin/tsc", { paths: [ROOT] }), "-p", "."], consumer);
        const output = JSON.parse(sh(process.execPath, ["out/index.js"], consumer).trim());
        assert.deepEqual(output, {
            id: "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            doc: {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: ["rds-db:connect"],
                        Resource: [
                            "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/app",
                        ],
                    },
                ],
            },
            arn: "arn:aws:iam::123456789012:role/api-role",
            userNames: ["app"],
            storedModule: "rds-iam/internal/provider/provider.js",
            resolved: "function",
            storedBytes: true,
            arnFn: "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWX/app",
        });
    });

    it("connects from an app through rds-iam/client without loading any @pulumi module", () => {
        const output = JSON.parse(sh(process.execPath, ["out/app.js"], consumer).trim());
        assert.deepEqual(output, {
            rest: {
                host: "orders.c0ffee.eu-west-1.rds.amazonaws.com",
                port: 5432,
                user: "app",
                database: "orders",
            },
            password: "token-for-app@eu-west-1",
            rdsCa: true,
            pulumiLoaded: 0,
        });
    });

    it("exports only the app-facing client API from rds-iam/client, and loads it faster and smaller than rds-iam", () => {
        const measure = (entry: string) =>
            JSON.parse(sh(process.execPath, ["-e", MEASURE, entry], consumer).trim());
        const client = measure("rds-iam/client");
        const root = measure("rds-iam");
        assert.deepEqual(client.exports, [
            "TOKEN_LIFETIME_MS",
            "TOKEN_RENEW_AFTER_MS",
            "TargetError",
            "TokenCache",
            "defaultTokenCache",
            "getConnectionOptions",
            "getMysqlConnectionOptions",
            "getPgConnectionOptions",
            "rdsCaBundle",
        ]);
        assert.equal(client.pulumiModules, 0);
        assert.equal(root.exports.includes("client"), true);
        assert.equal(root.pulumiModules > 0, true);
        assert.equal(client.ms < root.ms && client.totalMb < root.totalMb, true);
        console.log(
            `      load cost: require("rds-iam/client") ${client.ms.toFixed(0)} ms, +${client.rssMb.toFixed(0)} MB ` +
                `(process RSS ${client.totalMb.toFixed(0)} MB); require("rds-iam") ${root.ms.toFixed(0)} ms, ` +
                `+${root.rssMb.toFixed(0)} MB (process RSS ${root.totalMb.toFixed(0)} MB)`,
        );
        const deep = childProcess.spawnSync(
            process.execPath,
            ["-e", "require('rds-iam/bin/components/client/cli')"],
            { cwd: consumer, encoding: "utf8" },
        );
        assert.match(deep.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
    });

    it("runs the installed rds-iam CLI from the package (compiled code): --version and help", () => {
        const bin = path.join(consumer, "node_modules", ".bin", "rds-iam");
        assert.equal(sh(bin, ["--version"], consumer), "0.1.0\n");
        assert.equal(sh(bin, ["help"], consumer), HELP);
    });
});
