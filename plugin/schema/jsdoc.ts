/**
 * JSDoc of the library's Args and classes, read with the TypeScript compiler, so the package
 * schema's descriptions are the TypeScript documentation itself (one text, no copy to drift).
 */
import * as path from "node:path";
import * as ts from "typescript";

const COMPONENTS = path.join(__dirname, "..", "..", "components");

export class JsDoc {
    private readonly program: ts.Program;
    private readonly checker: ts.TypeChecker;

    constructor(files: readonly string[]) {
        this.program = ts.createProgram(
            files.map((f) => path.join(COMPONENTS, f)),
            { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, noEmit: true },
        );
        this.checker = this.program.getTypeChecker();
    }

    /** The documentation of `member` of interface or class `owner` in `file`, `@default` appended; "" if none. */
    member(file: string, owner: string, member: string): string {
        const source = this.program.getSourceFile(path.join(COMPONENTS, file));
        if (source === undefined) throw new Error(`schema: no source file components/${file}`);
        let found: ts.Symbol | undefined;
        const visit = (node: ts.Node): void => {
            if (
                (ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) &&
                node.name?.text === owner
            ) {
                for (const m of node.members) {
                    if (m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === member) {
                        found = this.checker.getSymbolAtLocation(m.name);
                    }
                }
            }
            ts.forEachChild(node, visit);
        };
        visit(source);
        if (found === undefined) throw new Error(`schema: components/${file} has no ${owner}.${member}`);
        const text = ts.displayPartsToString(found.getDocumentationComment(this.checker)).trim();
        const defaults = found
            .getJsDocTags(this.checker)
            .filter((t) => t.name === "default")
            .map((t) => ts.displayPartsToString(t.text).trim());
        return [text, ...defaults.map((d) => `Default: ${d}.`)].filter((s) => s !== "").join("\n\n");
    }

    /** The member names of interface or class `owner` in `file`, in declaration order. */
    members(file: string, owner: string): string[] {
        const source = this.program.getSourceFile(path.join(COMPONENTS, file));
        if (source === undefined) throw new Error(`schema: no source file components/${file}`);
        const names: string[] = [];
        const visit = (node: ts.Node): void => {
            if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name?.text === owner)
                for (const m of node.members)
                    if (m.name !== undefined && ts.isIdentifier(m.name)) names.push(m.name.text);
            ts.forEachChild(node, visit);
        };
        visit(source);
        return names;
    }
}
