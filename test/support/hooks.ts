// Mocha root hooks: the throwaway database servers are stopped after the whole run, pass or fail.
import { stopTestServers } from "../../local/servers";

export const mochaHooks = {
    async afterAll(this: Mocha.Context) {
        this.timeout(30_000);
        await stopTestServers();
    },
};
