import * as assert from "node:assert/strict";
import { providerLocation } from "../../components/provider/reference";

/**
 * Where a stored DatabaseUser provider points (components/provider/reference.ts): the dynamic-provider
 * host runs in the project directory and resolves the reference from there.
 */
describe("the stored DatabaseUser provider's location", () => {
    it("names an installed package by its exported subpath (package.json exports ./internal/*)", () => {
        assert.deepEqual(
            providerLocation("/srv/app/node_modules/rds-iam/bin/components/provider/provider.js", "/srv/app"),
            { module: "rds-iam/internal/provider/provider.js", typescript: false },
        );
        assert.deepEqual(
            providerLocation(
                "/srv/app/node_modules/@platform/rds-iam/bin/components/provider/provider.js",
                "/srv/app",
            ),
            { module: "@platform/rds-iam/internal/provider/provider.js", typescript: false },
        );
    });

    it("names sources, or a build outside node_modules, by their path from the project directory", () => {
        assert.deepEqual(providerLocation("/repo/components/provider/provider.ts", "/repo"), {
            module: "./components/provider/provider.ts",
            typescript: true,
        });
        assert.deepEqual(
            providerLocation("/mono/packages/rds-iam/bin/components/provider/provider.js", "/mono/infra"),
            {
                module: "../packages/rds-iam/bin/components/provider/provider.js",
                typescript: false,
            },
        );
    });
});
