import * as assert from "node:assert/strict";
// The contract's types must be importable from the package root (checked by the compiler).
import type {
    DatabaseAccessRoleArgs,
    DatabaseArgs,
    DatabaseProxyArgs,
    DatabaseUserArgs,
    DatabaseUserSpec,
    Engine,
    WorkloadService,
} from "../../components";

describe("the library's public API (components/index.ts)", () => {
    it("exports exactly the listed names: every name of the contract and no internals", async () => {
        const api = await import("../../components");
        assert.deepEqual(Object.keys(api).sort(), [
            "Database",
            "DatabaseAccessRole",
            "DatabaseProxy",
            "DatabaseUser",
            "ENGINES",
            "PRIVILEGES",
            "assumeRolePolicy",
            "client",
            "connectPolicyDocument",
            "databaseUserProvider",
            "dbUserArn",
            "dbUserArnProblems",
            "engineFamily",
            "getConnectionOptions",
            "isEngine",
        ]);
    });

    it("exports the contract's Args types", () => {
        const engine: Engine = "aurora-postgresql";
        const service: WorkloadService = "ecs-tasks";
        const user: DatabaseUserSpec = { username: "app", privileges: ["SELECT"] };
        const args: Pick<DatabaseArgs, "engine" | "users"> = { engine, users: [user] };
        const role: Pick<DatabaseAccessRoleArgs, "service"> = { service };
        const userArgs: Pick<DatabaseUserArgs, "engine" | "username"> = { engine, username: "app" };
        const proxyArgs: Pick<DatabaseProxyArgs, "users" | "debugLogging"> = {
            users: ["app"],
            debugLogging: false,
        };
        assert.deepEqual(
            [args.engine, role.service, userArgs.username, proxyArgs.users],
            ["aurora-postgresql", "ecs-tasks", "app", ["app"]],
        );
    });
});
