#!/usr/bin/env python3
"""Where a JVM's time went during a JFR recording: the CPU samples by the layer that spent them, by
thread pool, and the collector's share. Reads `jfr print` text (ExecutionSample, GarbageCollection,
ObjectAllocationSample) and prints Markdown. Usage: jfr-summary.py samples.txt gc.txt alloc.txt seconds"""
import collections
import re
import sys

# A frame's layer by its package; JDK frames are charged to the first caller that is not the JDK's.
LAYERS = [
    ("io.firebreak.", "firebreak's own code (checks, verdict, gate, pools)"),
    ("com.fasterxml.jackson.", "Jackson (the answer and the evidence as JSON)"),
    ("io.vertx.pgclient.", "Vert.x Postgres client (encode, decode, rows)"),
    ("io.vertx.sqlclient.", "Vert.x Postgres client (encode, decode, rows)"),
    ("io.quarkus.funqy.", "Funqy (dispatch to a worker, JSON binding)"),
    ("io.smallrye.mutiny.", "Mutiny (the Uni chains)"),
    ("io.smallrye.context.", "context propagation (every Mutiny callback wrapped)"),
    ("io.micrometer.", "Micrometer (meters)"),
    ("org.jboss.logmanager.", "logging"),
    ("org.jboss.logging.", "logging"),
    ("org.jboss.threads.", "worker pool (jboss-threads)"),
    ("io.quarkus.arc.", "CDI (Arc)"),
    ("io.netty.", "HTTP and sockets (Netty, Vert.x core and web)"),
    ("io.vertx.", "HTTP and sockets (Netty, Vert.x core and web)"),
    ("io.quarkus.vertx.", "HTTP and sockets (Netty, Vert.x core and web)"),
    ("io.quarkus.", "Quarkus runtime"),
]
JDK = ("java.", "jdk.", "sun.", "javax.", "com.sun.")


def layer(frames):
    for f in frames:
        if f.startswith(JDK):
            continue
        for prefix, name in LAYERS:
            if f.startswith(prefix):
                return name
        return "other: " + f.rsplit(".", 2)[0]
    return "the JDK alone (" + frames[0].rsplit(".", 1)[0] + ")" if frames else "unknown"


def events(path, name):
    text = open(path, encoding="utf-8", errors="replace").read()
    return text.split(name + " {")[1:]


def main():
    samples_txt, gc_txt, alloc_txt, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    layers, pools = collections.Counter(), collections.Counter()
    methods = collections.Counter()
    n = 0
    for e in events(samples_txt, "jdk.ExecutionSample"):
        m = re.search(r"stackTrace = \[(.*?)\n\s*\]", e, re.S)
        if not m:
            continue
        frames = [re.sub(r"\s+line:.*", "", l.strip()).split("(")[0]
                  for l in m.group(1).strip().split("\n") if l.strip() and not l.strip().startswith("...")]
        if not frames:
            continue
        n += 1
        layers[layer(frames)] += 1
        t = re.search(r'sampledThread = "([^"]*)"', e)
        thread = t.group(1) if t else "?"
        pools[re.sub(r"[-\s]?\d+$", "", thread)] += 1
        own = next((f for f in frames if f.startswith("io.firebreak.")), None)
        if own:
            methods[own] += 1
    pauses = 0.0
    for e in events(gc_txt, "jdk.GarbageCollection"):
        m = re.search(r"sumOfPauses = ([\d.]+) (ms|s|us)", e)
        if m:
            pauses += float(m.group(1)) * {"ms": 1, "s": 1000, "us": 0.001}[m.group(2)]
    allocated = 0
    for e in events(alloc_txt, "jdk.ObjectAllocationSample"):
        m = re.search(r"weight = ([\d.]+) (bytes|kB|MB|GB)", e)
        if m:
            allocated += float(m.group(1)) * {"bytes": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}[m.group(2)]

    print(f"{n} CPU samples of Java threads over {seconds:.0f} s (JFR 'profile' settings).\n")
    print("| where the JVM's CPU went (self time; JDK frames charged to their caller) | samples | share |")
    print("|---|---|---|")
    rest, rest_layers = 0, 0
    for name, c in layers.most_common():
        if c < n / 100:  # under 1%: summed in one row
            rest, rest_layers = rest + c, rest_layers + 1
        else:
            print(f"| {name} | {c} | {100 * c / n:.1f}% |")
    if rest:
        print(f"| everything else ({rest_layers} layers under 1% each) | {rest} | {100 * rest / n:.1f}% |")
    print("\n| thread | samples | share |\n|---|---|---|")
    for name, c in pools.most_common(6):
        print(f"| {name} | {c} | {100 * c / n:.1f}% |")
    print("\n| firebreak method nearest the top of the stack | samples |\n|---|---|")
    for name, c in methods.most_common(8):
        print(f"| {name} | {c} |")
    print(f"\nGarbage collection: {pauses:.0f} ms of pauses in {seconds:.0f} s ({pauses / seconds / 10:.2f}% of the time);"
          f" allocation about {allocated / seconds / 1024 ** 2:.0f} MiB/s (JFR's weighted samples).")


if __name__ == "__main__":
    main()
