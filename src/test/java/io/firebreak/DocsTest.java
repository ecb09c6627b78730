package io.firebreak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The README and docs/ stay true to the code: every function has one page, every env var is documented, every link lands. */
class DocsTest {

    static final Path README = Path.of("README.md");
    static final Path DOCS = Path.of("docs");

    /** A heading line: its level and text (fenced code is skipped by the caller). */
    static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");
    /** An inline link or image: [text](target) or [text](target "title"). */
    static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*([^)\\s]+)(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** An env alias in application.properties: ${FIREBREAK_X:default} or ${X}. Lower-case names are other properties. */
    static final Pattern ENV_ALIAS = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

    // Read straight from functions.yaml (not through FunctionManifest): a plain test that survives the
    // classes moving between packages, and that sees exactly what the service is configured with.
    static Set<String> manifestIds() throws IOException {
        JsonNode manifest = new ObjectMapper(new YAMLFactory()).readTree(Path.of("functions.yaml").toFile());
        Set<String> ids = new TreeSet<>();
        manifest.path("functions").forEach(f -> ids.add(f.path("id").asText()));
        assertTrue(ids.size() > 20, "functions.yaml was read (" + ids.size() + " functions)");
        return ids;
    }

    static List<Path> docsPages() throws IOException {
        try (Stream<Path> pages = Files.list(DOCS)) {
            return pages.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }

    /**
     * The lines of a markdown file, fenced code (``` fences, which may be indented in lists) blanked so
     * that a "# comment" in a shell block is no heading; line i of the list is line i + 1 of the file.
     */
    static List<String> prose(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(file)) {
            boolean fence = line.strip().startsWith("```");
            lines.add(fenced || fence ? "" : line);
            if (fence) {
                fenced = !fenced;
            }
        }
        return lines;
    }

    /** The heading texts of a file, as written (inline code marks included). */
    static List<String> headings(Path file) throws IOException {
        List<String> headings = new ArrayList<>();
        for (String line : prose(file)) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                headings.add(m.group(2));
            }
        }
        return headings;
    }

    /**
     * GitHub's anchors: lower case, every character but letters, digits, spaces, hyphens and
     * underscores dropped, spaces become hyphens; a repeated heading gets -1, -2...
     */
    static Set<String> anchors(Path file) throws IOException {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String heading : headings(file)) {
            String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
            String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? slug : slug + "-" + n);
        }
        return anchors;
    }

    @Test
    void everyFunctionIsAHeadingInExactlyOneDocsPage() throws IOException {
        // The README table links each id to its page; an id on no page (or on two) leaves the on-call
        // engineer without (or with two differing) descriptions of what it does.
        Map<String, List<String>> where = new TreeMap<>();
        for (String id : manifestIds()) {
            where.put(id, new ArrayList<>());
        }
        for (Path page : docsPages()) {
            for (String line : prose(page)) {
                Matcher m = HEADING.matcher(line);
                if (m.matches() && where.containsKey(m.group(2))) {
                    // ## or ###: the page title (#) names the group, deeper levels are a function's parts.
                    assertTrue(m.group(1).length() == 2 || m.group(1).length() == 3,
                            page + ": the heading " + m.group(2) + " is ## or ###, not " + m.group(1));
                    where.get(m.group(2)).add(page.getFileName().toString());
                }
            }
        }
        Map<String, List<String>> wrong = new TreeMap<>();
        where.forEach((id, pages) -> {
            if (pages.size() != 1) {
                wrong.put(id, pages);
            }
        });
        assertTrue(wrong.isEmpty(), "each function is a heading (## <id>) in exactly one docs page; not so: " + wrong);
    }

    /** Placeholders (${NAME} / ${NAME:default}) and auth variables (env: NAME, userEnv: NAME, an event webhook's secretEnv: NAME) functions.yaml reads. */
    static final Pattern MANIFEST_ENV = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)|\\b(?:env|userEnv|secretEnv): ([A-Z][A-Z0-9_]*)");

    /** Every env name the service reads: application.properties' aliases and the declarations' variables in functions.yaml. */
    static Set<String> envNames() throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = ENV_ALIAS.matcher(Files.readString(Path.of("src/main/resources/application.properties")));
        while (m.find()) {
            names.add(m.group(1));
        }
        // Comments explain the syntax with made-up names; only declarations count.
        String declarations = Files.readAllLines(Path.of("functions.yaml")).stream()
                .filter(line -> !line.strip().startsWith("#")).collect(java.util.stream.Collectors.joining("\n"));
        Matcher d = MANIFEST_ENV.matcher(declarations);
        while (d.find()) {
            names.add(d.group(1) != null ? d.group(1) : d.group(2));
        }
        return names;
    }

    @Test
    void everyEnvAliasInApplicationPropertiesIsOnTheConfigurationPage() throws IOException {
        Set<String> aliases = envNames();
        assertTrue(aliases.size() > 50, "the scan found the env aliases (" + aliases.size() + ")");
        String configuration = Files.readString(DOCS.resolve("configuration.md"));
        Set<String> missing = new TreeSet<>();
        for (String alias : aliases) {
            // Spelled out in full and in code marks: "`_WINDOW`" after another name does not count.
            if (!configuration.contains("`" + alias + "`")) {
                missing.add(alias);
            }
        }
        assertTrue(missing.isEmpty(), "docs/configuration.md lacks " + missing);
    }

    @Test
    void theConfigurationPageNamesNoEnvVarTheServiceDoesNotRead() throws IOException {
        Set<String> aliases = envNames();
        // The three database URLs are read by DatabaseUrlConfigSourceFactory (as ops.database.url,
        // ops.migration.database.url, target.database.url), not through application.properties.
        aliases.addAll(List.of("OPS_DATABASE_URL", "OPS_MIGRATION_DATABASE_URL", "TARGET_DATABASE_URL"));
        Set<String> stale = new TreeSet<>();
        Pattern name = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
        for (String line : prose(DOCS.resolve("configuration.md"))) {
            // The first column of the env var tables: a name there the service does not read is a lie.
            if (line.startsWith("| `")) {
                Matcher n = name.matcher(line.substring(0, line.indexOf(" |", 2)));
                while (n.find()) {
                    if (!aliases.contains(n.group(1))) {
                        stale.add(n.group(1));
                    }
                }
            }
        }
        assertTrue(stale.isEmpty(), "docs/configuration.md names env vars application.properties does not have: " + stale);
    }

    /** A row of a seed's table: its third column says who does the step. */
    static final Pattern COVERAGE_ROW = Pattern.compile("^\\|[^|]+\\|.*\\|\\s*(.+?)\\s*\\|\\s*$");
    static final Pattern COVERAGE_SUMMARY = Pattern.compile(
            "^\\| \\**(Seed \\d+|All)\\** \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\|$");

    @Test
    void theSeedCoverageCountsAreTheTablesOwn() throws IOException {
        // "Moving human rows to functions" is measured by these counts: they must be the rows', not a guess.
        Map<String, int[]> counted = new TreeMap<>();
        Map<String, int[]> stated = new TreeMap<>();
        String seed = null;
        for (String line : Files.readAllLines(DOCS.resolve("seed-coverage.md"))) {
            Matcher summary = COVERAGE_SUMMARY.matcher(line);
            if (summary.matches()) {
                stated.put(summary.group(1), new int[] { Integer.parseInt(summary.group(2)),
                        Integer.parseInt(summary.group(3)), Integer.parseInt(summary.group(4)),
                        Integer.parseInt(summary.group(5)) });
                continue;
            }
            if (line.startsWith("## Seed ")) {
                seed = line.substring(3, line.indexOf(':') > 0 ? line.indexOf(':') : line.length()).strip();
                counted.put(seed, new int[4]);
                continue;
            }
            Matcher row = COVERAGE_ROW.matcher(line);
            if (seed == null || !row.matches() || line.startsWith("|--") || line.startsWith("| Step |")) {
                continue;
            }
            int[] c = counted.get(seed);
            String who = row.group(1);
            c[0]++;
            c[who.startsWith("human") ? 3 : who.startsWith("partly") ? 2 : 1]++;
        }
        int[] all = new int[4];
        counted.values().forEach(c -> java.util.Arrays.setAll(all, i -> all[i] + c[i]));
        counted.put("All", all);
        assertEquals(counted.keySet(), stated.keySet(), "one summary row per seed, and one for all");
        counted.forEach((name, c) -> assertEquals(java.util.Arrays.toString(c), java.util.Arrays.toString(stated.get(name)),
                name + ": steps, by a function, partly, human"));
    }

    @Test
    void theReadmeIsShort() throws IOException {
        // The README says what firebreak is and how to run and test it; the rest lives in docs/.
        long lines = Files.readAllLines(README).size();
        assertTrue(lines <= 200, "README.md has " + lines + " lines; at most 200 (move the detail to docs/)");
    }

    @Test
    void everyRelativeLinkLandsOnAFileAndHeading() throws IOException {
        List<Path> files = new ArrayList<>(List.of(README));
        files.addAll(docsPages());
        for (Path extra : List.of(Path.of("bench/README.md"), Path.of("infra/README.md"))) {
            if (Files.exists(extra)) {
                files.add(extra);
            }
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path file : files) {
            int lineNo = 0;
            for (String line : prose(file)) {
                lineNo++;
                // Inline code is not a link: `[x](y)` in code marks is left alone.
                Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                        continue; // http:, https:, mailto: — not this repository's to check
                    }
                    checked++;
                    String path = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                    String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                    Path resolved = path.isEmpty() ? file : file.toAbsolutePath().getParent().resolve(path).normalize();
                    if (!Files.exists(resolved)) {
                        broken.add(file + ":" + lineNo + ": " + target + " — no such file");
                    } else if (anchor != null && !(resolved.toString().endsWith(".md") && anchors(resolved).contains(anchor))) {
                        broken.add(file + ":" + lineNo + ": " + target + " — no such heading");
                    }
                }
            }
        }
        assertTrue(checked > 50, "the scan found the links (" + checked + ")");
        assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
    }

    @Test
    void everyDocsPageIsLinkedFromTheReadme() throws IOException {
        // A page nobody links to is a page nobody finds at 3 a.m.
        String readme = Files.readString(README);
        Set<String> orphans = new TreeSet<>();
        for (Path page : docsPages()) {
            if (!readme.contains("](docs/" + page.getFileName() + ")") && !readme.contains("](docs/" + page.getFileName() + "#")) {
                orphans.add(page.getFileName().toString());
            }
        }
        assertEquals(Set.of(), orphans, "docs pages the README does not link");
    }
}
