/**
 * Construct for the rds-iam components: `Database` and `DatabaseAccessRole` built by the library's
 * own classes inside the plugin, their outputs handed back as the component's state.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConstructResult } from "@pulumi/pulumi/provider";
import { DatabaseAccessRole, DatabaseAccessRoleArgs } from "../components/accessRole";
import { Database, DatabaseArgs } from "../components/database";
import { useDatabaseUserFactory } from "../components/databaseUser";
import { DATABASE_USER_TYPE, DatabaseUserResource, makeDatabaseUserResource } from "./databaseUserResource";

export const DATABASE_TYPE = "rds-iam:index:Database";
export const ACCESS_ROLE_TYPE = "rds-iam:index:DatabaseAccessRole";

/**
 * Inputs the library reads as plain values at construction (validation, child names, SQL vocabulary):
 * the schema marks them `plain` (or, for arrays of inputs, needs their length). An input that
 * depends on another resource arrives as an Output and is awaited here; it must be known at preview.
 */
export const PLAIN_INPUTS: Readonly<Record<string, readonly string[]>> = {
    [DATABASE_TYPE]: [
        "engine",
        "subnetIds",
        "allowedSecurityGroupIds",
        "allowedCidrBlocks",
        "allowOpenCidr",
        "databaseName",
        "users",
        "publiclyAccessible",
        "deletionProtection",
        "engineVersion",
        "instances",
        "multiAz",
        "allocatedStorage",
        "masterUsername",
        "masterPassword",
        "blueGreenUpdate",
        "applyImmediately",
        "iamAuthErrorLogRetentionDays",
        "backupRetentionDays",
        "skipFinalSnapshot",
        "adminProvider",
        "caCertificate",
        "sqlRunner",
        "runnerTimeoutSeconds",
        "tags",
    ],
    [ACCESS_ROLE_TYPE]: ["service", "instanceProfile", "grants", "attachToUsers", "attachToGroups", "tags"],
};

/** The Databases this plugin process constructed, by URN: what a `grants[].database` reference names. */
const databases = new Map<string, Database>();
let registered = false;

/** Once per process: users as custom resources, and Database references resolved to the objects built here. */
function prepare(): void {
    if (registered) return;
    registered = true;
    useDatabaseUserFactory(makeDatabaseUserResource);
    pulumi.runtime.registerResourceModule("rds-iam", "index", {
        version: "0.1.0",
        construct: (name, type, urn) => {
            if (type === DATABASE_TYPE) {
                const database = databases.get(urn);
                if (database === undefined)
                    throw new Error(
                        `grants: the Database ${urn} was not made in this program by the rds-iam plugin, so its users and resource id are unknown here; grant by resourceId (its resourceId output) instead`,
                    );
                return database;
            }
            if (type === DATABASE_USER_TYPE) return new DatabaseUserResource(name, undefined, { urn });
            throw new Error(`unknown rds-iam resource type ${type}`);
        },
    });
}

async function plainInputs(type: string, inputs: pulumi.Inputs): Promise<Record<string, any>> {
    const result: Record<string, any> = { ...inputs };
    for (const key of PLAIN_INPUTS[type] ?? []) {
        const value = inputs[key];
        if (!pulumi.Output.isInstance(value)) continue;
        const output = value as any;
        if (!(await output.isKnown))
            throw new pulumi.InputPropertiesError({
                message: `${type}: ${key} must be known at preview`,
                errors: [
                    {
                        propertyPath: key,
                        reason: `${key} is read when the component is built (its length, names and values decide the child resources), so it cannot depend on an output not known yet at preview: give it as a value or from the stack's config`,
                    },
                ],
            });
        result[key] = await output.promise();
    }
    return result;
}

export async function construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
): Promise<ConstructResult> {
    prepare();
    const args = await plainInputs(type, inputs);
    switch (type) {
        case DATABASE_TYPE: {
            // masterPassword "iam" switches the master to IAM with MasterAuthentication, a dynamic
            // resource. Its provider, pulumi-resource-pulumi-nodejs, starts @pulumi/pulumi's
            // cmd/dynamic-provider from the program's node_modules, which a program in another
            // language does not have (pulumi/pulumi#5455): refused here, before the database is
            // made, rather than failing halfway through an up.
            if (args.masterPassword === "iam")
                throw new pulumi.InputPropertiesError({
                    message: `${DATABASE_TYPE}: masterPassword "iam" is not available through the rds-iam plugin`,
                    errors: [
                        {
                            propertyPath: "masterPassword",
                            reason: 'masterPassword "iam" needs a dynamic resource (the IAM switch of the master), and the engine runs dynamic resources from the program\'s own node_modules, which a YAML, Python or Go program does not have (pulumi/pulumi#5455): use "managed" or "generated", or declare the Database in a TypeScript program with the rds-iam library',
                        },
                    ],
                });
            const database = new Database(name, args as unknown as DatabaseArgs, options);
            // The URN a DatabaseAccessRole in the same plugin process receives as its database reference.
            databases.set(
                await (database.urn as unknown as { promise(): Promise<string> }).promise(),
                database,
            );
            return {
                urn: database.urn,
                state: {
                    address: database.address,
                    port: database.port,
                    resourceId: database.resourceId,
                    engine: database.engine,
                    masterSecretArn: database.masterSecretArn,
                    masterUsername: database.masterUsername,
                    securityGroupId: database.securityGroupId,
                    userNames: [...database.userNames],
                    users: database.users,
                },
            };
        }
        case ACCESS_ROLE_TYPE: {
            const role = new DatabaseAccessRole(name, args as unknown as DatabaseAccessRoleArgs, options);
            return {
                urn: role.urn,
                state: {
                    roleArn: role.roleArn,
                    roleName: role.roleName,
                    instanceProfileName: role.instanceProfileName,
                    policyArn: role.policyArn,
                    policyDocument: role.policyDocument,
                },
            };
        }
        default:
            throw new Error(
                `rds-iam has no component ${type}: it serves ${DATABASE_TYPE} and ${ACCESS_ROLE_TYPE}`,
            );
    }
}
