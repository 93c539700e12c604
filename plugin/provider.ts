/**
 * The rds-iam provider plugin's Provider: Construct for the components (construct.ts), and CRUD
 * for `rds-iam:index:DatabaseUser` routed to the dynamic provider's own code
 * (components/provider/provider.ts `databaseUserProvider`), so check, diff, read and the SQL are
 * one implementation with two front doors.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { databaseUserProvider as users } from "../components/provider/provider";
import type { UserInputs } from "../components/provider/inputs";
import { construct } from "./construct";
import { DATABASE_USER_TYPE } from "./databaseUserResource";
import { asSecret, withSecretsOf, withoutSecrets } from "./wire";

export const SCHEMA_FILE = path.join(__dirname, "..", "schema.json");

function typeOf(urn: string): string {
    return urn.split("::")[2]?.split("$").pop() ?? "";
}

function requireUserType(urn: string): void {
    if (typeOf(urn) !== DATABASE_USER_TYPE)
        throw new Error(
            `rds-iam has no custom resource ${typeOf(urn)}: its only one is ${DATABASE_USER_TYPE}`,
        );
}

/** Outputs with the master block (it may hold a password) as a secret. */
function secretMaster(outs: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    if (outs === undefined || !("master" in outs)) return outs;
    // Unwrapped first: withSecretsOf may have made its password a secret already.
    return { ...outs, master: asSecret(withoutSecrets(outs.master)) };
}

export class RdsIamProvider implements provider.Provider {
    readonly version: string;

    constructor(version: string) {
        this.version = version;
    }

    async getSchema(): Promise<string> {
        return fs.readFileSync(SCHEMA_FILE, "utf8");
    }

    construct(
        name: string,
        type: string,
        inputs: pulumi.Inputs,
        options: pulumi.ComponentResourceOptions,
    ): Promise<provider.ConstructResult> {
        return construct(name, type, inputs, options);
    }

    async check(urn: string, olds: any, news: any): Promise<provider.CheckResult> {
        requireUserType(urn);
        const result = await users.check!(withoutSecrets(olds), withoutSecrets(news));
        // The checked inputs are what the engine stores: secret where the program's were (wire.ts).
        return result.failures !== undefined
            ? { failures: result.failures }
            : { inputs: withSecretsOf(result.inputs, news) };
    }

    async diff(id: string, urn: string, olds: any, news: any): Promise<provider.DiffResult> {
        requireUserType(urn);
        return users.diff!(id, withoutSecrets(olds), withoutSecrets(news));
    }

    async create(urn: string, inputs: any): Promise<provider.CreateResult> {
        requireUserType(urn);
        const result = await users.create(withoutSecrets(inputs) as UserInputs);
        return { id: result.id, outs: secretMaster(withSecretsOf(result.outs, inputs)) };
    }

    async read(id: string, urn: string, props?: any): Promise<provider.ReadResult> {
        requireUserType(urn);
        const result = await users.read!(id, withoutSecrets(props) as UserInputs);
        return {
            id: result.id,
            props: secretMaster(withSecretsOf(result.props, props)),
            inputs: secretMaster(withSecretsOf(result.inputs, props)),
        };
    }

    async update(id: string, urn: string, olds: any, news: any): Promise<provider.UpdateResult> {
        requireUserType(urn);
        const result = await users.update!(id, withoutSecrets(olds), withoutSecrets(news) as UserInputs);
        return { outs: secretMaster(withSecretsOf(result.outs, news)) };
    }

    async delete(id: string, urn: string, props: any): Promise<void> {
        requireUserType(urn);
        await users.delete!(id, withoutSecrets(props) as UserInputs);
    }
}
