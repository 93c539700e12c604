/**
 * An rds-iam upgrade under the real engine. The users are deployed by the previous rds-iam, which
 * stored the provider's code in each user (`__provider`, by value); the engine's dynamic-provider host
 * runs read and delete with what the state holds and acts on no change of it (@pulumi/pulumi
 * cmd/dynamic-provider; pulumi/pulumi#6238, #4805), so a refresh before the next `up` still runs that
 * code, and DatabaseUser's diff makes the changed provider an update. This release stores a reference
 * to the provider instead (components/provider/reference.ts): after that update, refresh and delete
 * run the rds-iam the project has installed, and a later release needs no update at all (README,
 * "Upgrading rds-iam"). A destroy of the stack drops no user one by one: they are deletedWith the database.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import { REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { requireEngine } from "../support/engine";
import { destroyAndClose, ok, previewSteps } from "./harness";

const USER = "pulumi-nodejs:dynamic/rds-iam:DatabaseUser";
const PROVIDER = path.join("components", "provider", "provider.ts");
const USER_COMPONENT = path.join("components", "databaseUser.ts");

/** The previous rds-iam: DatabaseUser stores the provider's code itself. */
function storingCode(source: string): string {
    const anchors = [
        'import { providerReference } from "./provider/reference";\n',
        'const STORED_PROVIDER = providerReference(require.resolve("./provider/provider"));',
    ];
    for (const anchor of anchors)
        assert.ok(source.includes(anchor), `${USER_COMPONENT} no longer has "${anchor}": update this test`);
    return source
        .replace(anchors[0], "")
        .replace(anchors[1], 'const STORED_PROVIDER = require("./provider/provider").databaseUserProvider;');
}

/** A release: the same provider, each of update, read and delete first logging "release <n> <op> <username>". */
function release(n: number, source: string): string {
    const anchors: Record<string, string> = {
        update: "async update(_id: string, _olds: UserInputs, news: UserInputs): Promise<pulumi.dynamic.UpdateResult> {",
        read: "async read(id: string, props: UserInputs): Promise<pulumi.dynamic.ReadResult> {",
        delete: "async delete(_id: string, props: UserInputs): Promise<void> {",
    };
    for (const [op, anchor] of Object.entries(anchors)) {
        assert.ok(
            source.includes(anchor),
            `${PROVIDER} no longer has "${anchor}": update this test's release 2`,
        );
        const who = op === "update" ? "news" : "props";
        source = source.replace(
            anchor,
            `${anchor}\n        require("node:fs").appendFileSync(String(process.env.RDS_IAM_RELEASE_LOG), "release ${n} ${op} " + ${who}.username + "\\n");`,
        );
    }
    return source;
}

describe("an rds-iam upgrade under the real Pulumi engine (the DatabaseUser provider's code changes)", function () {
    this.timeout(240_000);
    let cloud: LocalCloud;
    let ws: Workspace;
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-release-")), "ran.log");
    const ran = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").sort() : []);
    const env = { RDS_IAM_RELEASE_LOG: log };
    let source = ""; // this release's provider.ts, before it logs

    before(async function () {
        this.timeout(900_000);
        const engine = requireEngine(this);
        cloud = await startLocalCloud();
        ws = createWorkspace({
            engine,
            cloudEnv: cloud.env,
            stackFiles: { "Pulumi.dev.yaml": path.join(REPO, "Pulumi.dev.yaml") },
            copied: ["index.ts", "components", "stack"], // linked files resolve their imports from the repository
        });
        await ok(ws.pulumi(["stack", "init", "dev"]));
        await ok(ws.pulumi(["config", "set", "rds-iam:caBundleFile", cloud.caFile]));
        const component = path.join(ws.dir, USER_COMPONENT);
        const current = fs.readFileSync(component, "utf8");
        fs.writeFileSync(component, storingCode(current));
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"], { env }));
        // This release: the reference again, and a provider that logs what it runs.
        fs.writeFileSync(component, current);
        const file = path.join(ws.dir, PROVIDER);
        source = fs.readFileSync(file, "utf8");
        fs.writeFileSync(file, release(2, source));
    });

    after(async function () {
        this.timeout(120_000);
        await destroyAndClose(ws, cloud, env);
        fs.rmSync(path.dirname(log), { recursive: true, force: true });
    });

    it("refreshes with the code the previous rds-iam stored in the state until the next up (the host's rule)", async () => {
        await ok(ws.pulumi(["refresh", "--yes", "--skip-preview"], { env }));
        assert.deepEqual(ran(), []);
    });

    it("previews the move to the stored reference as an update of each user, nothing replaced", async () => {
        const steps = (await previewSteps(ws)).filter((s) => s.includes(USER));
        assert.deepEqual(steps, [`update ${USER} db-user-app_rw`, `update ${USER} db-user-reporting_ro`]);
    });

    it("runs the new release's update on up, then shows no changes", async () => {
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"], { env }));
        assert.deepEqual(ran(), ["release 2 update app_rw", "release 2 update reporting_ro"]);
        await ok(ws.pulumi(["preview", "--expect-no-changes"], { env }));
    });

    it("stores a reference of a few KB per user instead of the code", async () => {
        const state = JSON.parse((await ok(ws.pulumi(["stack", "export"]))).stdout) as {
            deployment: { resources: { type: string; inputs?: { __provider?: string } }[] };
        };
        const stored = state.deployment.resources
            .filter((r) => r.type === USER)
            .map((r) => r.inputs?.__provider ?? "");
        assert.equal(stored.length, 2);
        for (const text of stored) {
            assert.ok(text.length < 8_000, `a stored provider of ${text.length} bytes`);
            assert.ok(text.includes('module: "./components/provider/provider.ts"'));
        }
    });

    it("refreshes with the new release once up has stored it, and drops a removed user with it", async () => {
        fs.rmSync(log, { force: true });
        await ok(ws.pulumi(["refresh", "--yes", "--skip-preview"], { env }));
        assert.deepEqual(ran(), ["release 2 read app_rw", "release 2 read reporting_ro"]);
        fs.rmSync(log, { force: true });
        // A resource gone from the program is deleted with the provider in its state.
        await ok(ws.pulumi(["config", "rm", "--path", "rds-iam:workloads[1]"]));
        await ok(ws.pulumi(["config", "rm", "--path", "rds-iam:users[1]"]));
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"], { env }));
        assert.deepEqual(ran(), ["release 2 delete reporting_ro"]);
    });

    it("runs a later release at once, with no update: refresh runs what the project has installed", async () => {
        fs.writeFileSync(path.join(ws.dir, PROVIDER), release(3, source));
        fs.rmSync(log, { force: true });
        await ok(ws.pulumi(["preview", "--expect-no-changes"], { env }));
        await ok(ws.pulumi(["refresh", "--yes", "--skip-preview"], { env }));
        assert.deepEqual(ran(), ["release 3 read app_rw"]);
    });

    it("destroys without dropping the users one by one: they are deletedWith the database", async () => {
        fs.rmSync(log, { force: true });
        await ok(ws.pulumi(["destroy", "--yes", "--skip-preview"], { env }));
        assert.deepEqual([ran(), cloud.resources()], [[], []]);
    });
});
