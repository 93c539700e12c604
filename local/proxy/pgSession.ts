/**
 * One client connection to the PostgreSQL RDS Proxy stand-in, from the first byte to the relay:
 * TLS first (requireTls), the start-up packet, the IAM token as a cleartext password (as RDS asks
 * for it), the proxy's IAM decisions (authorizer.ts), then its own IAM login to the database over
 * verified TLS; from the database's ReadyForQuery on, bytes are relayed both ways.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import type { Authorizer, ProxyTarget } from "./authorizer";
import { ByteReader } from "./byteReader";
import {
    CANCEL_REQUEST,
    GSS_REQUEST,
    PROTOCOL_3,
    SSL_REQUEST,
    authenticationCode,
    cleartextPasswordRequest,
    errorFields,
    errorResponse,
    passwordMessage,
    passwordOf,
    readMessage,
    readStartup,
    sslRequest,
    startupCode,
    startupParameters,
} from "./pgWire";
import { PgRefusal, pgRefusals } from "./refusals";

export interface PgSessionOptions {
    readonly certificate: { readonly cert: string; readonly key: string };
    readonly authorizer: Authorizer;
    readonly target: ProxyTarget;
    /** Sockets to destroy when the proxy closes. */
    readonly track: (socket: net.Socket) => void;
}

const refuse = (socket: net.Socket, refusal: PgRefusal) =>
    void socket.end(errorResponse(refusal.code, refusal.message));

/** Opens the proxy's own connection to the database: SSLRequest, then TLS verifying the endpoint's name. */
async function connectToDatabase(
    target: ProxyTarget,
    track: (s: net.Socket) => void,
): Promise<tls.TLSSocket> {
    const raw = net.connect({ host: target.host, port: target.port });
    track(raw);
    await new Promise<void>((resolve, reject) => raw.once("connect", resolve).once("error", reject));
    raw.write(sslRequest());
    const reader = new ByteReader(raw);
    const answer = (await reader.bytes(1)).toString("latin1");
    reader.detach();
    if (answer !== "S") throw new Error(`the database at ${target.endpoint} refused TLS`);
    const secure = tls.connect({ socket: raw, ca: target.caCertificate, servername: target.endpoint });
    track(secure);
    await new Promise<void>((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
    return secure;
}

export async function servePgClient(client: net.Socket, options: PgSessionOptions): Promise<void> {
    const plain = new ByteReader(client);
    let packet = await readStartup(plain);
    while (startupCode(packet) === GSS_REQUEST) {
        client.write("N"); // no GSSAPI encryption: the client goes on to SSLRequest or a plain start-up
        packet = await readStartup(plain);
    }
    if (startupCode(packet) === CANCEL_REQUEST) return void client.end();
    if (startupCode(packet) !== SSL_REQUEST) return refuse(client, pgRefusals.tlsRequired());
    if (plain.detach().length > 0) return void client.destroy(); // bytes before the TLS handshake: never trusted
    client.write("S");
    const secure = new tls.TLSSocket(client, { isServer: true, ...options.certificate });
    options.track(secure);
    await new Promise<void>((resolve, reject) => secure.once("secure", resolve).once("error", reject));
    const reader = new ByteReader(secure);
    const startup = await readStartup(reader);
    if (startupCode(startup) !== PROTOCOL_3) return refuse(secure, pgRefusals.protocolVersion());
    const parameters = startupParameters(startup);
    const user = parameters.user ?? "";
    if (user === "") return refuse(secure, pgRefusals.userMissing());
    if (parameters.replication !== undefined && parameters.replication !== "false")
        return refuse(secure, pgRefusals.replication());

    secure.write(cleartextPasswordRequest());
    const reply = await readMessage(reader);
    if (reply.type !== "p") return refuse(secure, pgRefusals.iamFailed(user));
    const authorization = await options.authorizer.authorize(
        user,
        String(client.remoteAddress),
        passwordOf(reply.body),
    );
    if (!authorization.allowed)
        return refuse(
            secure,
            authorization.stage === "client-token"
                ? pgRefusals.iamFailed(user)
                : pgRefusals.noCredentials(user),
        );

    const database = await connectToDatabase(options.target, options.track);
    database.write(startup);
    const upstream = new ByteReader(database);
    const held: Buffer[] = [];
    for (;;) {
        const m = await readMessage(upstream);
        if (m.type === "E") {
            const text = errorFields(m.body).M ?? "unknown error";
            options.authorizer.recordDatabaseLogin(user, {
                allow: false,
                reason: `the database said: ${text}`,
            });
            database.destroy();
            return refuse(secure, pgRefusals.databaseError(text));
        }
        if (m.type === "R" && authenticationCode(m.body) === 3) {
            database.write(passwordMessage(authorization.databaseToken));
            continue;
        }
        if (m.type === "R" && authenticationCode(m.body) !== 0) {
            const reason = `the database asked "${user}" for a password (authentication request ${authenticationCode(m.body)}), not an IAM token: the user is not an IAM user (rds_iam)`;
            options.authorizer.recordDatabaseLogin(user, { allow: false, reason });
            database.destroy();
            return refuse(
                secure,
                pgRefusals.databaseError(`password authentication failed for user "${user}"`),
            );
        }
        if (m.type === "R")
            options.authorizer.recordDatabaseLogin(user, { allow: true, reason: "logged in" });
        held.push(m.raw);
        if (m.type === "Z") break; // ReadyForQuery: the session is the client's from here
    }
    secure.write(Buffer.concat(held));
    const fromClient = reader.detach();
    const fromDatabase = upstream.detach();
    if (fromClient.length > 0) database.write(fromClient);
    if (fromDatabase.length > 0) secure.write(fromDatabase);
    database.pipe(secure);
    secure.pipe(database);
    const close = () => {
        database.destroy();
        secure.destroy();
    };
    database.on("error", close).on("close", close);
    secure.on("error", close).on("close", close);
}
