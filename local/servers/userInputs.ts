/** DatabaseUser inputs aimed at a throwaway server, through its "tunnel" and trusting its certificate. */
import type { ThrowawayServer } from "./index";

export function userInputs(
    server: ThrowawayServer,
    username: string,
    extra: Record<string, unknown> = {},
): Record<string, any> {
    return {
        engine: server.engine,
        host: server.endpoint,
        port: server.port,
        connectHost: server.host,
        caCertificate: server.caCertificate,
        username,
        database: server.database,
        privileges: [],
        master: { username: server.master.username, password: server.master.password },
        ...extra,
    };
}
