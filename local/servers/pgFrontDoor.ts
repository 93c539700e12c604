/**
 * The IAM front door of a throwaway PostgreSQL: what answers at the database's endpoint and decides
 * IAM logins the way RDS does, on every PostgreSQL version (the npm builds of 16/17 have no LDAP, so
 * the LDAP route of postgres.ts works on 15 only). It speaks the start of PostgreSQL's wire protocol
 * (Frontend/Backend Protocol, "Start-up" and "SSL Session Encryption"):
 *
 * - TLS is required (RDS with rds.force_ssl): a start-up without SSLRequest is refused with the
 *   server's "no pg_hba.conf entry … no encryption" error; the certificate is the endpoint's.
 * - A user who is a member of rds_iam must send an IAM token as a cleartext password; the login hook
 *   (the emulator) decides, and a refusal reads as RDS's: `PAM authentication failed for user "…"`.
 *   An allowed login continues to the server from FRONT_DOOR_ADDRESS with a client certificate naming
 *   the user, signed by the door's own CA (pg_hba `cert`): only the door can let an IAM user in.
 * - Everyone else (the master, password users) goes on to the server over TLS as they came and
 *   authenticates there (SCRAM). The server's SCRAM-SHA-256-PLUS is not offered through the door:
 *   channel binding would bind to the door's certificate, not the server's.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as tls from "node:tls";
import { decideLogin } from "./loginHook";
import { FRONT_DOOR_ADDRESS } from "./postgres";
import { CertificateAuthority, Certificate, clientCertificate } from "./processes";
import type { ThrowawayServer } from "./index";

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** Reads whole PostgreSQL messages from a socket, keeping what it has read past them. */
class Reader {
    private buffer = Buffer.alloc(0);
    private waiting: (() => void) | undefined;
    private ended = false;
    constructor(private readonly socket: net.Socket) {
        socket.on("data", this.onData);
        socket.on("end", () => {
            this.ended = true;
            this.waiting?.();
        });
    }
    private onData = (chunk: Buffer) => {
        this.buffer = Buffer.concat([this.buffer, chunk]);
        this.waiting?.();
    };
    async bytes(n: number): Promise<Buffer> {
        while (this.buffer.length < n) {
            if (this.ended) throw new Error("connection closed");
            await new Promise<void>((r) => (this.waiting = r));
        }
        const out = this.buffer.subarray(0, n);
        this.buffer = this.buffer.subarray(n);
        return out;
    }
    /** A start-up packet (no type byte): length, then body. */
    async startup(): Promise<Buffer> {
        const head = await this.bytes(4);
        return Buffer.concat([head, await this.bytes(head.readInt32BE(0) - 4)]);
    }
    /** A typed message: type, length, body. */
    async message(): Promise<{ type: string; raw: Buffer }> {
        const head = await this.bytes(5);
        const body = await this.bytes(head.readInt32BE(1) - 4);
        return { type: String.fromCharCode(head[0]), raw: Buffer.concat([head, body]) };
    }
    /** Stops reading; returns what was read past the last message. */
    detach(): Buffer {
        this.socket.off("data", this.onData);
        this.socket.pause(); // nothing is lost until the next reader (or pipe) resumes it
        return this.buffer;
    }
}

function message(type: string, body: Buffer): Buffer {
    const head = Buffer.alloc(5);
    head.write(type, 0, "latin1");
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
}

function errorResponse(code: string, text: string): Buffer {
    const field = (t: string, v: string) => Buffer.concat([Buffer.from(t + v, "utf8"), Buffer.from([0])]);
    return message(
        "E",
        Buffer.concat([
            field("S", "FATAL"),
            field("V", "FATAL"),
            field("C", code),
            field("M", text),
            Buffer.from([0]),
        ]),
    );
}

function startupParameters(packet: Buffer): Record<string, string> {
    const parts = packet.subarray(8).toString("utf8").split("\0");
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < parts.length && parts[i] !== ""; i += 2) out[parts[i]] = parts[i + 1];
    return out;
}

/** AuthenticationSASL without the -PLUS mechanisms (channel binding cannot cross the door). */
function withoutChannelBinding(raw: Buffer): Buffer {
    if (raw[0] !== "R".charCodeAt(0) || raw.readInt32BE(5) !== 10) return raw;
    const mechanisms = raw
        .subarray(9)
        .toString("utf8")
        .split("\0")
        .filter((m) => m !== "" && !m.endsWith("-PLUS"));
    const body = Buffer.alloc(4);
    body.writeInt32BE(10, 0);
    return message(
        "R",
        Buffer.concat([body, Buffer.from(mechanisms.map((m) => `${m}\0`).join("") + "\0", "utf8")]),
    );
}

export interface FrontDoorOptions {
    readonly host: string;
    readonly port: number;
    /** The endpoint's certificate (and key) the door presents. */
    readonly certificate: Certificate;
    readonly backend: ThrowawayServer;
    /** The CA the server trusts for the door's client certificates (postgres.ts frontDoorCa). */
    readonly ca: CertificateAuthority;
    /** Where the door keeps the client certificates it makes. */
    readonly dir: string;
}

export interface FrontDoor {
    readonly host: string;
    readonly port: number;
    close(): Promise<void>;
}

export async function startPgFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
    const { backend } = options;
    const sockets = new Set<net.Socket>();
    const certificates = new Map<string, Promise<Certificate>>();
    const certificateFor = (user: string) => {
        let c = certificates.get(user);
        if (c === undefined) {
            const dir = path.join(options.dir, `user-${certificates.size}`);
            fs.mkdirSync(dir, { recursive: true });
            c = clientCertificate(dir, user, options.ca);
            certificates.set(user, c);
        }
        return c;
    };
    const isIamUser = async (user: string) => {
        const rows = await backend.inspect(
            "SELECT pg_has_role(r.oid, 'rds_iam', 'MEMBER') AS iam FROM pg_roles r WHERE r.rolname = $1",
            [user],
        );
        return rows[0]?.iam === true;
    };
    const toBackend = async (user: string | undefined): Promise<tls.TLSSocket> => {
        const raw = net.connect({
            host: backend.host,
            port: backend.port,
            ...(user !== undefined ? { localAddress: FRONT_DOOR_ADDRESS } : {}),
        });
        sockets.add(raw);
        await new Promise<void>((resolve, reject) => raw.once("connect", resolve).once("error", reject));
        const request = Buffer.alloc(8);
        request.writeInt32BE(8, 0);
        request.writeInt32BE(SSL_REQUEST, 4);
        raw.write(request);
        const answer = await new Reader(raw).bytes(1);
        if (answer.toString() !== "S") throw new Error("the server refused TLS");
        const certificate = user !== undefined ? await certificateFor(user) : undefined;
        const secure = tls.connect({
            socket: raw,
            ca: backend.caCertificate,
            servername: backend.endpoint,
            ...(certificate
                ? { cert: fs.readFileSync(certificate.certFile), key: fs.readFileSync(certificate.keyFile) }
                : {}),
        });
        await new Promise<void>((resolve, reject) =>
            secure.once("secureConnect", resolve).once("error", reject),
        );
        sockets.add(secure);
        return secure;
    };

    async function serve(client: net.Socket): Promise<void> {
        const plain = new Reader(client);
        let packet = await plain.startup();
        while (packet.readInt32BE(4) === GSS_REQUEST) {
            client.write("N");
            packet = await plain.startup();
        }
        if (packet.readInt32BE(4) === CANCEL_REQUEST) return void client.end();
        if (packet.readInt32BE(4) !== SSL_REQUEST) {
            const p = startupParameters(packet);
            client.end(
                errorResponse(
                    "28000",
                    `no pg_hba.conf entry for host "${client.remoteAddress}", user "${p.user}", database "${p.database ?? p.user}", no encryption`,
                ),
            );
            return;
        }
        plain.detach();
        client.write("S");
        const secure = new tls.TLSSocket(client, {
            isServer: true,
            cert: fs.readFileSync(options.certificate.certFile),
            key: fs.readFileSync(options.certificate.keyFile),
        });
        sockets.add(secure);
        const reader = new Reader(secure);
        const startup = await reader.startup();
        const { user = "" } = startupParameters(startup);
        const iam = await isIamUser(user);
        if (iam) {
            const request = Buffer.alloc(4);
            request.writeInt32BE(3, 0); // AuthenticationCleartextPassword
            secure.write(message("R", request));
            const reply = await reader.message();
            if (reply.type !== "p")
                return void secure.end(errorResponse("08P01", "expected a password response"));
            const token = reply.raw.subarray(5).toString("utf8").replace(/\0$/, "");
            const decision = await decideLogin({
                engine: "postgres",
                user,
                clientHost: String(client.remoteAddress),
                password: token,
            });
            if (!decision.allow)
                return void secure.end(
                    errorResponse("28P01", `PAM authentication failed for user "${user}"`),
                );
        }
        const server = await toBackend(iam ? user : undefined);
        server.write(startup);
        const rest = reader.detach();
        if (rest.length > 0) server.write(rest);
        // The server's first answer may offer SCRAM with channel binding: take -PLUS out, then relay.
        const upstream = new Reader(server);
        const first = await upstream.message();
        secure.write(withoutChannelBinding(first.raw));
        const pending = upstream.detach();
        if (pending.length > 0) secure.write(pending);
        server.pipe(secure);
        secure.pipe(server);
        const close = () => {
            server.destroy();
            secure.destroy();
        };
        server.on("error", close).on("close", close);
        secure.on("error", close).on("close", close);
    }

    const listener = net.createServer((client) => {
        sockets.add(client);
        client.on("close", () => sockets.delete(client));
        client.on("error", () => client.destroy());
        serve(client).catch(() => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
        listener.once("error", reject);
        listener.listen(options.port, options.host, () => resolve());
    });
    return {
        host: options.host,
        port: (listener.address() as net.AddressInfo).port,
        close: () =>
            new Promise((resolve) => {
                for (const s of sockets) s.destroy();
                listener.close(() => resolve());
            }),
    };
}
