/**
 * The SQL runner's deployment package: a .zip rds-iam writes itself, byte for byte the same for the
 * same bundle on every machine, so rds-iam knows the function's `CodeSha256` (base64 of the SHA-256
 * of the .zip, Lambda API reference, FunctionConfiguration) before AWS answers, and the deployer can
 * refuse a function whose code is not this.
 *
 * Why the hash holds: `new pulumi.asset.FileArchive("….zip")` is handed to the AWS provider as the
 * file's own bytes — Pulumi's archive code copies the source archive when its format is the one asked
 * for (pulumi/pulumi sdk/go/common/resource/archive/archive.go, `ArchiveWithWD`: "If the source
 * format is the same, just return that"), the Terraform bridge writes that stream to the file it
 * passes as `filename` (pulumi-terraform-bridge, `AssetTranslation.TranslateArchive`), and the
 * provider uploads that file as `Code.ZipFile` (terraform-provider-aws internal/service/lambda/
 * function.go, `readFileContents(filename)`). An AssetArchive of files, by contrast, is zipped by
 * Pulumi (Deflate, its own timestamps): its hash is Pulumi's, not ours.
 *
 * One entry, `index.js`, stored (no compression: deflate output differs between zlib builds, stored
 * bytes do not), dated 1980-01-01, mode 0644 (Lambda needs the files world-readable).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runnerBundlePath } from "./bundle";

export interface RunnerPackage {
    /** The .zip to deploy (`code: new pulumi.asset.FileArchive(path)`). */
    readonly path: string;
    /** What Lambda reports as the function's CodeSha256 for it: base64 of the .zip's SHA-256. */
    readonly codeSha256: string;
}

/** CRC-32 (IEEE 802.3, as .zip uses it), a byte at a time from a table of the 256 remainders. */
const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    return c;
});

function crc32(data: Buffer): number {
    let crc = 0xffffffff;
    for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
}

/** A .zip holding `content` as `name`, the same bytes every time. */
export function storedZip(name: string, content: Buffer): Buffer {
    const fileName = Buffer.from(name, "ascii");
    const crc = crc32(content);
    const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
    const common = (h: Buffer, at: number) => {
        h.writeUInt16LE(10, at); // version needed: 1.0 (stored)
        h.writeUInt16LE(0, at + 2); // flags
        h.writeUInt16LE(0, at + 4); // method: stored
        h.writeUInt16LE(0, at + 6); // time 00:00:00
        h.writeUInt16LE(DOS_DATE_1980_01_01, at + 8);
        h.writeUInt32LE(crc, at + 10);
        h.writeUInt32LE(content.length, at + 14); // compressed size
        h.writeUInt32LE(content.length, at + 18); // uncompressed size
        h.writeUInt16LE(fileName.length, at + 22);
        h.writeUInt16LE(0, at + 24); // extra field length
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    common(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
    common(central, 6);
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external: regular file, rw-r--r--
    central.writeUInt32LE(0, 42); // offset of the local header
    const centralSize = central.length + fileName.length;
    const centralOffset = local.length + fileName.length + content.length;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8); // entries on this disk
    end.writeUInt16LE(1, 10); // entries
    end.writeUInt32LE(centralSize, 12);
    end.writeUInt32LE(centralOffset, 16);
    return Buffer.concat([local, fileName, content, central, fileName, end]);
}

/** base64 SHA-256, as Lambda's CodeSha256. */
export function codeSha256(zip: Buffer): string {
    return crypto.createHash("sha256").update(zip).digest("base64");
}

/** The deployment package of a bundle, as rds-iam deploys it: `index.js` in a stored .zip. */
export function packageBytes(bundle: Buffer): Buffer {
    return storedZip("index.js", bundle);
}

/**
 * Writes the runner's deployment package (for `bundlePath`, default the runner bundle) into the
 * temp directory, named by its content, and answers where and its CodeSha256.
 */
export function runnerPackage(bundlePath: string = runnerBundlePath()): RunnerPackage {
    const bundle = fs.readFileSync(bundlePath);
    // Every Database of a program has a runner of the same bundle: zip and hash it once per process.
    const key = crypto.createHash("sha256").update(bundle).digest("base64");
    const known = packages.get(key);
    if (known !== undefined && fs.existsSync(known.path)) return known;
    const zip = packageBytes(bundle);
    const sha = codeSha256(zip);
    const hex = Buffer.from(sha, "base64").toString("hex").slice(0, 32);
    const dir = path.join(os.tmpdir(), "rds-iam-runner");
    const file = path.join(dir, `runner-${hex}.zip`);
    if (!fs.existsSync(file)) {
        fs.mkdirSync(dir, { recursive: true });
        // Written aside and renamed: parallel programs never see half a file.
        const staging = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(staging, zip, { mode: 0o644 });
        fs.renameSync(staging, file);
    }
    const made = { path: file, codeSha256: sha };
    packages.set(key, made);
    return made;
}

/** The packages made in this process, by the SHA-256 of their bundle. */
const packages = new Map<string, RunnerPackage>();
