/**
 * `rds-iam:index:DatabaseUser` as a custom resource of the rds-iam provider plugin: what `Database`
 * makes for its users when it is constructed inside the plugin (a multi-language component), where
 * a dynamic provider cannot run (pulumi/pulumi#5455). Same inputs and outputs as the dynamic
 * `DatabaseUser`; the plugin's CRUD (provider.ts) runs the same provider code.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseUser, DatabaseUserArgs } from "../components/databaseUser";
import type { Engine } from "../components/engines";

export const DATABASE_USER_TYPE = "rds-iam:index:DatabaseUser";

export class DatabaseUserResource extends pulumi.CustomResource {
    declare readonly engine: pulumi.Output<Engine>;
    declare readonly host: pulumi.Output<string>;
    declare readonly port: pulumi.Output<number>;
    declare readonly username: pulumi.Output<string>;
    declare readonly database: pulumi.Output<string | undefined>;
    declare readonly privileges: pulumi.Output<string[]>;
    declare readonly masterUsername: pulumi.Output<string>;
    declare readonly region: pulumi.Output<string | undefined>;
    declare readonly iamAuthentication: pulumi.Output<boolean>;
    declare readonly unmanagedPrivileges: pulumi.Output<string[]>;

    /** With `args` undefined and `opts.urn` set, a reference to an existing user (no registration). */
    constructor(name: string, args: DatabaseUserArgs | undefined, opts?: pulumi.CustomResourceOptions) {
        super(
            DATABASE_USER_TYPE,
            name,
            args === undefined
                ? {}
                : {
                      // Outputs the provider computes, declared so they exist on the resource.
                      database: undefined,
                      privileges: undefined,
                      masterUsername: undefined,
                      region: undefined,
                      iamAuthentication: undefined,
                      unmanagedPrivileges: undefined,
                      managedBy: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
                      ...args,
                  },
            // As the dynamic resource: the master block may carry a password.
            { additionalSecretOutputs: ["master"], deleteBeforeReplace: true, ...opts },
        );
    }
}

/** The factory `Database` uses inside the plugin (components/databaseUser.ts `useDatabaseUserFactory`). */
export function makeDatabaseUserResource(
    name: string,
    args: DatabaseUserArgs,
    opts: pulumi.CustomResourceOptions,
): DatabaseUser {
    // Same outputs as the dynamic class; only the provider behind the type differs.
    return new DatabaseUserResource(name, args, opts) as unknown as DatabaseUser;
}
