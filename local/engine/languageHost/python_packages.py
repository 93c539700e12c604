"""The resource plugins a Python program needs, for python.ts's GetRequiredPackages: every installed
distribution that ships a pulumi-plugin.json with "resource": true (Pulumi's generated SDKs do), by the
file's name and version or the distribution's. Prints them as JSON.
"""

import importlib.metadata
import json
import re


def plugins():
    for dist in importlib.metadata.distributions():
        for file in dist.files or []:
            if file.name != "pulumi-plugin.json":
                continue
            info = json.loads(file.read_text())
            if not info.get("resource"):
                continue
            name = info.get("name") or re.sub(r"^pulumi[-_]", "", dist.metadata["Name"])
            version = info.get("version") or dist.version
            yield {"name": name, "version": version, "server": info.get("server") or ""}


print(json.dumps(sorted(plugins(), key=lambda p: p["name"])))
