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

/** The SQL runner a DatabaseUser is sent through: its version 1, checked by its CodeSha256 and role. */
export interface RunnerUnderTest {
    readonly functionName: string;
    readonly codeSha256: string;
    readonly roleArn: string;
    /** The region the provider signs for (else the one in an ARN function name, or the SDK's). */
    readonly region?: string;
}

/** userInputs run through the SQL runner (sqlRunner "lambda") instead of from this process. */
export function runnerUserInputs(
    server: ThrowawayServer,
    username: string,
    runner: RunnerUnderTest,
    extra: Record<string, unknown> = {},
): Record<string, any> {
    return userInputs(server, username, {
        sqlRunner: "lambda",
        runnerFunction: runner.functionName,
        runnerVersion: "1",
        runnerCodeSha256: runner.codeSha256,
        runnerRoleArn: runner.roleArn,
        ...(runner.region === undefined ? {} : { region: runner.region }),
        ...extra,
    });
}
