/**
 * Construct for the rds-iam components: `Database`, `DatabaseAccessRole` and `DatabaseProxy` built by
 * the library's own classes inside the plugin, their outputs handed back as the component's state.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConstructResult } from "@pulumi/pulumi/provider";
import { DatabaseAccessRole, DatabaseAccessRoleArgs } from "../components/accessRole";
import { Database, DatabaseArgs } from "../components/database";
import { useDatabaseUserFactory } from "../components/databaseUser";
import { DatabaseProxy, DatabaseProxyArgs } from "../components/proxy";
import { DATABASE_USER_TYPE, DatabaseUserResource, makeDatabaseUserResource } from "./databaseUserResource";

/** The plugin's version (plugin/package.json, rds-iam's): what its resource module is registered at. */
const { version: PLUGIN_VERSION } = require("./package.json") as { version: string };

export const DATABASE_TYPE = "rds-iam:index:Database";
export const ACCESS_ROLE_TYPE = "rds-iam:index:DatabaseAccessRole";
export const PROXY_TYPE = "rds-iam:index:DatabaseProxy";

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
    [PROXY_TYPE]: [
        "database",
        "users",
        "subnetIds",
        "allowedSecurityGroupIds",
        "allowedCidrBlocks",
        "idleClientTimeout",
        "maxConnectionsPercent",
        "debugLogging",
        "tags",
    ],
};

/**
 * The components this plugin process constructed, by URN: what a reference to one names (a
 * `grants[].database`, a `grants[].proxy`, a DatabaseProxy's `database`). The engine runs one plugin
 * process per provider for the whole program, so a reference from the same program is found here.
 */
const built = new Map<string, Database | DatabaseProxy>();
let registered = false;

/** A reference to a component of `type` this process did not build: it cannot be used here. */
function notBuiltHere(type: string, urn: string): Error {
    return new Error(
        `the ${type.split(":").pop()} ${urn} was not made in this program by the rds-iam plugin, so its users and ids are unknown here: declare it in the same program (a grant may instead name any database or proxy by resourceId: a Database's resourceId or a DatabaseProxy's proxyId output)`,
    );
}

/** Once per process: users as custom resources, and component references resolved to the objects built here. */
function prepare(): void {
    if (registered) return;
    registered = true;
    useDatabaseUserFactory(makeDatabaseUserResource);
    pulumi.runtime.registerResourceModule("rds-iam", "index", {
        version: PLUGIN_VERSION,
        construct: (name, type, urn) => {
            if (type === DATABASE_TYPE || type === PROXY_TYPE) {
                const component = built.get(urn);
                if (component === undefined) throw notBuiltHere(type, urn);
                return component;
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

/** Keeps `component` by its URN, for the references to it that later Constructs receive. */
async function remember(component: Database | DatabaseProxy): Promise<void> {
    built.set(await (component.urn as unknown as { promise(): Promise<string> }).promise(), component);
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
            await remember(database);
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
        case PROXY_TYPE: {
            const proxy = new DatabaseProxy(name, args as unknown as DatabaseProxyArgs, options);
            await remember(proxy);
            return {
                urn: proxy.urn,
                state: {
                    endpoint: proxy.endpoint,
                    port: proxy.port,
                    proxyId: proxy.proxyId,
                    arn: proxy.arn,
                    roleArn: proxy.roleArn,
                    securityGroupId: proxy.securityGroupId,
                    userNames: [...proxy.userNames],
                },
            };
        }
        default:
            throw new Error(
                `rds-iam has no component ${type}: it serves ${DATABASE_TYPE}, ${ACCESS_ROLE_TYPE} and ${PROXY_TYPE}`,
            );
    }
}
