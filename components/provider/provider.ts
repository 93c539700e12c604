// SCAFFOLD (issue 3 replaces this file): the dynamic provider for DatabaseUser.
import * as pulumi from "@pulumi/pulumi";

export const databaseUserProvider: pulumi.dynamic.ResourceProvider = {
    async create() {
        throw new Error("DatabaseUser provider is not implemented yet");
    },
};
