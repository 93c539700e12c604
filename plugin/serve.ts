/** Serves the rds-iam provider plugin on the engine's gRPC protocol (called by index.cjs). */
import * as provider from "@pulumi/pulumi/provider";
import { RdsIamProvider } from "./provider";

const { version } = require("./package.json") as { version: string };

export function serve(): Promise<void> {
    return provider.main(new RdsIamProvider(version), process.argv.slice(2));
}
