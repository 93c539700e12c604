/**
 * One client connection to the MySQL-protocol RDS Proxy stand-in (MySQL, MariaDB): the proxy
 * greets the client in the database's terms (its version, its capabilities), requires the client
 * to switch to TLS before it sends a user (requireTls), takes the IAM token through
 * `mysql_clear_password` (as RDS does), makes its IAM decisions (authorizer.ts), then logs into the
 * database over verified TLS with the client's capabilities, character set and database and its own
 * role's token. From the database's OK on, bytes are relayed both ways: the session's capabilities
 * match on both sides, so the command phase needs no translation.
 */
import * as crypto from "node:crypto";
import * as net from "node:net";
import * as tls from "node:tls";
import type { Authorizer, ProxyTarget } from "./authorizer";
import { ByteReader, withPrefix } from "./byteReader";
import {
    CLIENT,
    ClientResponse,
    clearPasswordResponse,
    errMessage,
    errPacket,
    greeting,
    packet,
    parseClientResponse,
    parseGreeting,
    readPacket,
    sslRequestPayload,
    switchPlugin,
    switchToClearPassword,
} from "./mysqlWire";
import { MysqlRefusal, mysqlRefusals } from "./refusals";

export interface MysqlSessionOptions {
    readonly certificate: { readonly cert: string; readonly key: string };
    readonly authorizer: Authorizer;
    readonly target: ProxyTarget;
    readonly track: (socket: net.Socket) => void;
    readonly connectionId: number;
}

/** Capabilities the proxy never offers: compression, attributes it would have to parse, options it does not keep. */
const WITHHELD =
    CLIENT.COMPRESS |
    CLIENT.ZSTD_COMPRESSION |
    CLIENT.CONNECT_ATTRS |
    CLIENT.MULTI_FACTOR_AUTHENTICATION |
    CLIENT.SSL_VERIFY_SERVER_CERT |
    CLIENT.REMEMBER_OPTIONS;

/** What every login through the proxy needs (the database offers them all; checked below). */
const REQUIRED =
    CLIENT.PROTOCOL_41 |
    CLIENT.SSL |
    CLIENT.SECURE_CONNECTION |
    CLIENT.PLUGIN_AUTH |
    CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA;

const refuse = (socket: net.Socket, sequence: number, r: MysqlRefusal) =>
    void socket.end(errPacket(sequence, r.errno, r.sqlState, r.message));

export async function serveMysqlClient(client: net.Socket, options: MysqlSessionOptions): Promise<void> {
    const { target } = options;
    // The database's greeting first: the proxy offers the client what the database offers.
    const raw = net.connect({ host: target.host, port: target.port });
    options.track(raw);
    await new Promise<void>((resolve, reject) => raw.once("connect", resolve).once("error", reject));
    const upstreamPlain = new ByteReader(raw);
    const serverHello = await readPacket(upstreamPlain);
    if (serverHello.payload[0] === 0xff) return void client.end(packet(0, serverHello.payload));
    const server = parseGreeting(serverHello.payload);
    if ((server.capabilities & REQUIRED) !== REQUIRED)
        throw new Error(`the database at ${target.endpoint} lacks TLS or pluggable authentication`);
    const offered = (server.capabilities & ~WITHHELD) >>> 0;
    // Printable and without NUL, as servers make it.
    const scramble = Buffer.from(crypto.randomBytes(20).map((b) => (b % 94) + 33));
    client.write(packet(0, greeting({ ...server, capabilities: offered }, options.connectionId, scramble)));

    const plain = new ByteReader(client);
    const first = await readPacket(plain);
    const hello = parseClientResponse(first.payload);
    if (!(hello.capabilities & CLIENT.SSL)) {
        raw.destroy();
        return refuse(client, first.sequence + 1, mysqlRefusals.tlsRequired());
    }
    const clientHost = String(client.remoteAddress);
    const secure = new tls.TLSSocket(withPrefix(client, plain.detach()) as net.Socket, {
        isServer: true,
        ...options.certificate,
    });
    options.track(secure);
    await new Promise<void>((resolve, reject) => secure.once("secure", resolve).once("error", reject));
    const reader = new ByteReader(secure);
    const responsePacket = await readPacket(reader);
    const response = parseClientResponse(responsePacket.payload);
    const user = response.user ?? "";
    let sequence = responsePacket.sequence + 1;
    secure.write(packet(sequence, switchToClearPassword(scramble)));
    const tokenPacket = await readPacket(reader);
    sequence = tokenPacket.sequence + 1;
    const token = tokenPacket.payload.toString("utf8").replace(/\0$/, "");
    const authorization = await options.authorizer.authorize(user, clientHost, token);
    if (!authorization.allowed) {
        raw.destroy();
        return refuse(secure, sequence, mysqlRefusals.accessDenied(user));
    }

    const login = await loginToDatabase(
        raw,
        upstreamPlain,
        options,
        { ...response, user },
        authorization.databaseToken,
    );
    if (!login.ok) {
        options.authorizer.recordDatabaseLogin(user, {
            allow: false,
            reason: login.reason,
        });
        return refuse(secure, sequence, mysqlRefusals.accessDenied(user));
    }
    options.authorizer.recordDatabaseLogin(user, { allow: true, reason: "logged in" });
    secure.write(packet(sequence, login.ok));
    const fromClient = reader.detach();
    const fromDatabase = login.upstream.detach();
    if (fromClient.length > 0) login.database.write(fromClient);
    if (fromDatabase.length > 0) secure.write(fromDatabase);
    login.database.pipe(secure);
    secure.pipe(login.database);
    const close = () => {
        login.database.destroy();
        secure.destroy();
    };
    login.database.on("error", close).on("close", close);
    secure.on("error", close).on("close", close);
}

type DatabaseLogin =
    { ok: Buffer; database: tls.TLSSocket; upstream: ByteReader } | { ok: false; reason: string };

/** SSLRequest, TLS verifying the endpoint's name, then the IAM token through mysql_clear_password. */
async function loginToDatabase(
    raw: net.Socket,
    plain: ByteReader,
    options: MysqlSessionOptions,
    client: ClientResponse & { user: string },
    token: string,
): Promise<DatabaseLogin> {
    const capabilities =
        ((client.capabilities & ~WITHHELD) |
            CLIENT.SSL |
            CLIENT.PLUGIN_AUTH |
            CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA) >>>
        0;
    const session = { ...client, capabilities };
    raw.write(packet(1, sslRequestPayload(session)));
    plain.detach();
    const database = tls.connect({
        socket: raw,
        ca: options.target.caCertificate,
        servername: options.target.endpoint,
    });
    options.track(database);
    await new Promise<void>((resolve, reject) =>
        database.once("secureConnect", resolve).once("error", reject),
    );
    const upstream = new ByteReader(database);
    database.write(packet(2, clearPasswordResponse(session, token)));
    for (;;) {
        const answer = await readPacket(upstream);
        const kind = answer.payload[0];
        if (kind === 0x00) return { ok: answer.payload, database, upstream };
        if (kind === 0xff) {
            database.destroy();
            return { ok: false, reason: `the database said: ${errMessage(answer.payload)}` };
        }
        if (kind === 0xfe && switchPlugin(answer.payload) === "mysql_clear_password") {
            database.write(packet(answer.sequence + 1, Buffer.from(`${token}\0`, "utf8")));
            continue;
        }
        database.destroy();
        return {
            ok: false,
            reason: `the database asked for ${kind === 0xfe ? `the ${switchPlugin(answer.payload)} plugin` : `more authentication data (0x${kind.toString(16)})`}, not an IAM token: "${client.user}" is not an IAM user (AWSAuthenticationPlugin)`,
        };
    }
}
